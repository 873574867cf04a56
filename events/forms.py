import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import NO, YES, Community, Event, Question, TicketType, option_label


def question_field(question: Question) -> forms.Field:
    """The form field that asks `question` in the active language. Required questions are
    checked by the form's clean() (only those asked for the chosen ticket type)."""
    options = {"label": question.text(), "required": False}
    kind = question.kind
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        widget = forms.Textarea(attrs={"rows": 3}) if kind == Question.Kind.LONG_TEXT else None
        return forms.CharField(max_length=question.max_length, widget=widget, **options)
    invalid = {"invalid_choice": _("Choose one of the options offered.")}
    if kind == Question.Kind.YES_NO:
        choices = [(YES, _("Yes")), (NO, _("No"))]
        return forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect, error_messages=invalid, **options
        )
    choices = [(raw, option_label(raw)) for raw in question.options]
    if kind == Question.Kind.SEVERAL_CHOICES:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=invalid, **options
        )
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect, error_messages=invalid, **options
    )


class QuestionsMixin:
    """Adds one field per question (named q<id>) and turns the cleaned values into the
    `answers` mapping of `events.registration.answers`."""

    def add_questions(self, questions):
        self.label_suffix = ""  # a question ends with its own punctuation
        self.questions = list(questions)
        for question in self.questions:
            field = question_field(question)
            if question.required:
                field.label = f"{field.label} " + str(_("(required)"))
            self.fields[f"q{question.pk}"] = field

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def answers(self, questions) -> dict:
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in questions}

    def require_answers(self, questions) -> None:
        for question in questions:
            name = f"q{question.pk}"
            if question.required and name not in self.errors and not self.cleaned_data.get(name):
                self.add_error(name, _("Please answer this question."))


class AnswersForm(QuestionsMixin, forms.Form):
    """A registration's answers, changed from /me/."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(questions)

    def clean(self):
        cleaned = super().clean()
        self.require_answers(self.questions)
        return cleaned


class TicketTypeField(forms.ModelChoiceField):
    """One of the event's ticket types. With `among` (the event's ticket types already read,
    by pk) no query checks the choice: apply re-reads the chosen one under its lock anyway."""

    among: dict | None = None

    def to_python(self, value):
        if self.among is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self.among[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ApplyForm(QuestionsMixin, forms.Form):
    """The apply form. `ticket_type` must be a ticket type of THIS event (a forged id from
    another event is an invalid choice, not a registration elsewhere).

    It carries every question of the event (each names the ticket types it is limited to,
    if any: without JavaScript the form cannot hide them); only the chosen ticket type's
    questions are checked and answered.
    """

    ticket_type = TicketTypeField(
        queryset=TicketType.objects.none(),
        label=_("Ticket type"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of this event’s ticket types.")},
    )
    show_in_list = forms.BooleanField(
        label=_("Show my name on the participant list"), required=False, initial=True
    )

    def __init__(self, *args, event: Event, questions=(), ticket_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()
        if ticket_types is not None:
            self.fields["ticket_type"].among = {tt.pk: tt for tt in ticket_types}
        self.add_questions(questions)
        for question in self.questions:
            limited_to = list(question.ticket_types.all())
            if limited_to:
                field = self.fields[f"q{question.pk}"]
                field.help_text = _("Only for: %(names)s") % {
                    "names": ", ".join(tt.name for tt in limited_to)
                }
                # For site.js, which hides the questions of the ticket types not chosen.
                field.asked_for = " ".join(str(tt.pk) for tt in limited_to)

    def asked(self, ticket_type) -> list[Question]:
        """The questions asked for `ticket_type`."""
        return [
            q
            for q in self.questions
            if not q.ticket_types.all() or ticket_type in q.ticket_types.all()
        ]

    def clean(self):
        cleaned = super().clean()
        ticket_type = cleaned.get("ticket_type")
        if ticket_type is None:
            return cleaned
        asked = set(self.asked(ticket_type))
        for question in self.questions:
            if question not in asked:  # another ticket type's question: neither checked nor kept
                name = f"q{question.pk}"
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        self.require_answers([q for q in self.questions if q in asked])
        return cleaned

    @property
    def chosen_answers(self) -> dict:
        return self.answers(self.asked(self.cleaned_data["ticket_type"]))


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
