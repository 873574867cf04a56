from django import forms
from django.utils.translation import gettext_lazy as _

from .materials import TITLE_MAX, URL_MAX
from .models import Material

PARTICIPANT_KINDS = [
    (Material.Kind.BLOG, _("My blog report")),
    (Material.Kind.SLIDES, _("Slides of my talk or LT")),
    (Material.Kind.VIDEO, _("Video")),
    (Material.Kind.PHOTOS, _("Photos")),
    (Material.Kind.OTHER, _("Something else")),
]


class MaterialForm(forms.Form):
    """Parses the participant's input; the rules themselves live in talks.materials.submit."""

    kind = forms.ChoiceField(label=_("What is it?"), choices=PARTICIPANT_KINDS)
    url = forms.CharField(
        label=_("Link"),
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("An http:// or https:// address."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    talk = forms.ModelChoiceField(
        label=_("About a talk (optional)"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, event, talks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        field = self.fields["talk"]
        field.queryset = event.talks.order_by("position", "starts_at", "pk")
        if talks is not None:
            # Reuse talks already loaded by the page: no extra query to draw the choices.
            field.choices = [("", "—"), *((talk.pk, talk.title) for talk in talks)]
        if talks == []:
            del self.fields["talk"]

    def error_text(self) -> str:
        """All errors in one line, for the no-JavaScript path's flash message."""
        return " ".join(
            f"{self.fields[name].label}: {message}" if name in self.fields else str(message)
            for name, messages_ in self.errors.items()
            for message in messages_
        )
