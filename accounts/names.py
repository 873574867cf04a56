"""Display names that cannot impersonate anyone or vanish from a list.

A display name is shown beside other people's on participant lists. It is normalised (NFKC, so
full-width and compatibility forms compare equal to their plain forms) and refused when it
holds control or bidirectional-override characters, when nothing visible is left, or when it
copies another person's display name or nickname (compared case-insensitively).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Characters that reorder or hide text: bidi embeddings, overrides, isolates and marks.
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that draw nothing although they are letters or symbols.
BLANK_LOOKALIKES = set("\u115f\u1160\u3164\uffa0\u2800")


def _visible(char: str) -> bool:
    category = unicodedata.category(char)
    return not (
        char in BLANK_LOOKALIKES or category.startswith(("Z", "C")) or category in {"Mn", "Me"}
    )


def normalise_display_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def check_characters(name: str) -> None:
    if any(char in BIDI_CONTROLS for char in name):
        raise ValidationError(
            _("Remove the characters that change the direction of the text."), code="bidi"
        )
    if any(unicodedata.category(char) in {"Cc", "Co", "Cs", "Cn"} for char in name):
        raise ValidationError(_("Remove the control characters."), code="control")
    if name and not any(_visible(char) for char in name):
        raise ValidationError(
            _("Use at least one visible letter, digit or symbol."), code="invisible"
        )


def check_not_taken(name: str, *, user=None) -> None:
    """Refuse another person's display name or nickname, whatever the letter case."""
    from .models import User

    others = User.objects.filter(Q(display_name__iexact=name) | Q(nickname__iexact=name))
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(
            _("Someone already uses this name. Choose one that tells you apart."), code="taken"
        )


def clean_display_name(value: str, *, user=None) -> str:
    name = normalise_display_name(value)
    check_characters(name)
    if name:
        check_not_taken(name, user=user)
    return name
