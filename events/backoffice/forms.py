"""Forms of the organisers' back office (admin forms and the custom admin pages)."""

import unicodedata

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.images import clean_image_field
from events.models import TicketType
from events.registration import configuration

#: A self check-in code is announced in the room; a short one could be guessed from home.
CHECKIN_CODE_MIN_LENGTH = 6


class TicketTypeForm(forms.ModelForm):
    """The ticket type form of the admin and of the event's inline.

    Saved through `configuration.change_ticket_type` (see the admin), which checks again under
    the row lock; this form shows the same refusals in place first, with the numbers: a
    capacity below the seats already given, an allocation change after entries or a draw.
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
            reason = configuration.why_not_set_capacity(self.instance, capacity)
            if reason:
                raise forms.ValidationError(reason, code="below_accepted")
        return capacity

    def clean_allocation(self):
        allocation_ = self.cleaned_data["allocation"]
        reason = configuration.why_not_change_allocation(self.instance, allocation_)
        if reason:
            raise forms.ValidationError(reason, code="allocation_locked")
        return allocation_


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
    """The image is checked by its content and re-encoded (core.images). Changing the date,
    time or venue of an event people are registered for needs the box ticked: they are all
    e-mailed what changed (configuration.update_event)."""

    confirm_schedule_change = forms.BooleanField(
        label=_("E-mail the registrants about this change"),
        required=False,
        help_text=_(
            "Needed when you change the date, time or venue of an event people are registered "
            "for: every live registrant gets an e-mail saying what changed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "timezone" in self.fields:
            # Its default is a callable (the site's zone, read at run time); without this the
            # form would count the zone as changed whenever the hidden initial is not posted.
            self.fields["timezone"].show_hidden_initial = False

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

    def clean(self):
        cleaned = super().clean()
        changed = [f for f in configuration.SCHEDULE_FIELDS if f in self.changed_data]
        if self.instance.pk and changed and not cleaned.get("confirm_schedule_change"):
            live = configuration.live_registrations(self.instance).count()
            if live:
                self.add_error(
                    "confirm_schedule_change",
                    ngettext(
                        "%(count)s person is registered for this event. Tick the box to "
                        "change its %(fields)s and e-mail them what changed.",
                        "%(count)s people are registered for this event. Tick the box to "
                        "change its %(fields)s and e-mail them what changed.",
                        live,
                    )
                    % {
                        "count": live,
                        "fields": ", ".join(
                            str(self._meta.model._meta.get_field(f).verbose_name) for f in changed
                        ),
                    },
                )
        return cleaned
