"""Forms of the organisers' back office (admin forms and the custom admin pages)."""

import unicodedata

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.images import clean_image_field
from events.models import TicketType
from events.registration import allocation

#: A self check-in code is announced in the room; a short one could be guessed from home.
CHECKIN_CODE_MIN_LENGTH = 6


class TicketTypeForm(forms.ModelForm):
    """The ticket type form of the admin and of the event's inline.

    Capacity is saved through `allocation.set_capacity` (see the admin); this form only refuses,
    in place and with the numbers, a capacity below the seats already given.
    """

    class Meta:
        model = TicketType
        fields = [
            "event",
            "name",
            "description",
            "capacity",
            "allocation",
            "position",
            "opens_at",
            "closes_at",
            "lottery_at",
            "moveup_cutoff_at",
            "weighting",
            "reconfirm_opens_at",
            "reconfirm_deadline_at",
        ]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None and capacity != self.instance.capacity:
            accepted = allocation.seat_counts(self.instance)["accepted"]
            if capacity < accepted:
                raise forms.ValidationError(
                    _(
                        "%(accepted)s people already hold a seat, so the capacity cannot go "
                        "below %(accepted)s (you entered %(capacity)s). Cancel registrations "
                        "first if you need fewer seats."
                    ),
                    code="below_accepted",
                    params={"accepted": accepted, "capacity": capacity},
                )
        return capacity


class MoveForm(forms.Form):
    """The target of the "move to another ticket type" admin action."""

    ticket_type = forms.ModelChoiceField(
        label=_("Move to ticket type"), queryset=TicketType.objects.none()
    )

    def __init__(self, *args, event, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        queryset = (
            TicketType.objects.filter(event=event)
            .exclude(pk__in=exclude_ids)
            .annotate(accepted=Count("registrations", filter=Q(registrations__status="accepted")))
        )
        self.fields["ticket_type"].queryset = queryset
        self.fields["ticket_type"].label_from_instance = lambda tt: (
            _("%(name)s (%(accepted)s of %(capacity)s seats taken)")
            % {"name": tt.name, "accepted": tt.accepted, "capacity": tt.capacity}
        )


def normalise_receipt(value: str) -> str:
    """Receipts are typed at the door: ignore case, spaces and hyphens."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class CheckInForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "enterkeyhint": "go",
                "class": "checkin-input",
            }
        ),
    )

    def clean_receipt(self):
        return normalise_receipt(self.cleaned_data["receipt"])


class MessageForm(forms.Form):
    AUDIENCES = [
        ("accepted", _("Accepted (everyone holding a seat)")),
        ("waitlisted", _("Waitlisted")),
        ("all", _("All registrants who have not cancelled")),
    ]

    audience = forms.ChoiceField(label=_("Send to"), choices=AUDIENCES, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10_000,
        help_text=_("Plain text. The event's title and link are added at the end."),
    )

    def clean_subject(self):
        # A line break in a mail header cannot be sent: refuse it here, not in the worker.
        subject = self.cleaned_data["subject"]
        if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in subject):
            raise forms.ValidationError(
                _("Write the subject on one line, without line breaks or tabs.")
            )
        return subject


class CommunityAdminForm(forms.ModelForm):
    """The logo is checked by its content and re-encoded (core.images)."""

    def clean_logo(self):
        return clean_image_field(self.cleaned_data.get("logo"), max_width=512)


class EventAdminForm(forms.ModelForm):
    """The image is checked by its content and re-encoded (core.images)."""

    def clean_image(self):
        return clean_image_field(self.cleaned_data.get("image"))

    def clean_checkin_code(self):
        code = self.cleaned_data.get("checkin_code", "").strip()
        if code and len(code) < CHECKIN_CODE_MIN_LENGTH:
            raise forms.ValidationError(
                _(
                    "Use at least %(count)d characters, so that the code cannot be guessed "
                    "from outside the room."
                )
                % {"count": CHECKIN_CODE_MIN_LENGTH}
            )
        return code
