import functools

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Community, Event, TicketType


class ApplyForm(forms.Form):
    """The apply form. `ticket_type` must be a ticket type of THIS event (a forged id from
    another event is an invalid choice, not a registration elsewhere)."""

    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.none(),
        label=_("Ticket type"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of this event’s ticket types.")},
    )
    show_in_list = forms.BooleanField(
        label=_("Show my name on the participant list"), required=False, initial=True
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()


def _month_choices():
    """The months with published events, newest first (queried when the select renders)."""
    months = Event.objects.published().datetimes("starts_at", "month", order="DESC")
    return [("", _("Any month"))] + [
        (month.strftime("%Y-%m"), date_format(month, "YEAR_MONTH_FORMAT")) for month in months
    ]


class EventFilterForm(forms.Form):
    WHEN_CHOICES = [("upcoming", _("Upcoming")), ("past", _("Past"))]
    FORMAT_CHOICES = [
        ("", _("Online and offline")),
        ("online", _("Online")),
        ("offline", _("In person")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All communities"),
    )
    # A select of the months that have events, read as "December 2026" / "2026年12月"; the
    # value stays "YYYY-MM" so links from before keep working.
    month = forms.DateField(
        label=_("Month"), required=False, input_formats=["%Y-%m"], widget=forms.Select
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.choices = functools.cache(_month_choices)

    def filter(self, queryset):
        data = self.cleaned_data if self.is_valid() else {}
        now = timezone.now()
        queryset = queryset.past(now) if data.get("when") == "past" else queryset.upcoming(now)
        if query := (data.get("q") or "").strip():
            for word in query.split()[:5]:
                queryset = queryset.filter(
                    Q(title__icontains=word)
                    | Q(catch__icontains=word)
                    | Q(description__icontains=word)
                    | Q(venue_name__icontains=word)
                )
        if data.get("community"):
            queryset = queryset.filter(community=data["community"])
        if month := data.get("month"):
            queryset = queryset.filter(starts_at__year=month.year, starts_at__month=month.month)
        if data.get("format") == "online":
            queryset = queryset.exclude(online_url="")
        elif data.get("format") == "offline":
            queryset = queryset.exclude(venue_name="")
        return queryset


class SelfCheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
