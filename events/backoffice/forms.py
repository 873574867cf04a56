"""Forms of the organisers' back office (admin forms and the custom admin pages)."""

import unicodedata

from django import forms
from django.db import models
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

    def validate_constraints(self):
        """The table's two check constraints, checked here rather than by one query each per
        form (the event editor validates every ticket type at once)."""
        opens, closes = self.cleaned_data.get("opens_at"), self.cleaned_data.get("closes_at")
        if opens and closes and closes < opens:
            self.add_error("closes_at", _("Applications must close after they open."))
        if self.cleaned_data.get(
            "allocation"
        ) == TicketType.Allocation.LOTTERY and not self.cleaned_data.get("lottery_at"):
            self.add_error("lottery_at", _("A lottery ticket type needs a lottery time."))


class _KnownRowChoiceField(forms.ModelChoiceField):
    """A formset row's hidden id, resolved from the rows the formset already loaded."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.rows()[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class KnownRowsInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that looks up each posted row among the rows it loaded in one query,
    instead of one query per row (Django's default), so saving a page with many ticket types
    or talks costs the same as saving one."""

    def _rows_by_pk(self):
        if not hasattr(self, "_rows_cache"):
            self._rows_cache = {str(obj.pk): obj for obj in self.get_queryset()}
        return self._rows_cache

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, _KnownRowChoiceField
        ):
            form.fields[name] = _KnownRowChoiceField(
                field.queryset,
                initial=field.initial,
                required=False,
                widget=field.widget,
                rows=self._rows_by_pk,
            )


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

    def validate_constraints(self):
        """The end-after-start check here, and the number's uniqueness only when the number
        or the community changed (the database constraint still stands behind both)."""
        starts, ends = self.cleaned_data.get("starts_at"), self.cleaned_data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if self.instance._state.adding or {"number", "community"} & set(self.changed_data):
            super().validate_constraints()

    def validate_unique(self):
        if self.instance._state.adding or {"number", "community"} & set(self.changed_data):
            super().validate_unique()


# -- Dates, times and time zones the way organisers read them ---------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    """One box for the date and the time (the browser's date-time picker), read and shown in
    the active time zone; the event editor activates the event's zone (see EventAdmin)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


#: The zones most events use, offered first; any IANA zone can still be typed.
COMMON_TIME_ZONES = [
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "UTC",
]


class LocalDateTimes:
    """ModelAdmin/inline mixin: every date-time field is one datetime-local box."""

    formfield_overrides = {
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeLocalInput},
    }


def editing_time_zone(request, event=None):
    """The zone an editor works in: the posted one, else the event's, else the default."""
    import zoneinfo

    from django.conf import settings

    posted = request.POST.get("timezone", "")
    if posted in zoneinfo.available_timezones():
        return zoneinfo.ZoneInfo(posted)
    if event is not None:
        return event.tzinfo
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class TimeZoneInput(forms.TextInput):
    """A text box with a short list of common zones (a datalist: type to search)."""

    template_name = "admin/events/widgets/timezone.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-list"
        context["widget"]["attrs"]["autocomplete"] = "off"
        context["common_zones"] = COMMON_TIME_ZONES
        return context


def validate_time_zone(value):
    import zoneinfo

    if value not in zoneinfo.available_timezones():
        raise forms.ValidationError(
            _("“%(value)s” is not a time zone. Pick one from the list, such as Asia/Tokyo."),
            params={"value": value},
            code="invalid_time_zone",
        )


class TimeZoneField(forms.CharField):
    widget = TimeZoneInput

    def __init__(self, **kwargs):
        kwargs.pop("choices", None)
        kwargs.pop("coerce", None)
        kwargs.pop("empty_value", None)
        super().__init__(max_length=64, validators=[validate_time_zone], **kwargs)


class NextEventForm(forms.Form):
    """The day the copied event starts; a day in the past is asked again."""

    starts_on = forms.DateField(
        label=_("The new event starts on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Same time of day as the last event; every other date moves with it."),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["starts_on"].widget.attrs["min"] = today.isoformat()

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < self.today:
            raise forms.ValidationError(
                _("%(day)s is in the past; pick today or a later day."),
                params={"day": starts_on.isoformat()},
                code="past",
            )
        return starts_on


class RescheduleDrawForm(forms.Form):
    lottery_at = forms.DateTimeField(
        label=_("New lottery time"),
        widget=DateTimeLocalInput(),
        help_text=_("In the event's time zone."),
    )
