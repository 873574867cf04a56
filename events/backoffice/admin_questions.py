"""Back office: the event's questionnaire, edited as an inline of the event.

The inline is registered with `register_event_inline`, so the event editor (the admin change
page, and any one-page editor that includes the registered inlines) shows it. The event admin
already limits the event to the organiser's communities (another community's event is a 404);
the inline's formset only ever holds this event's questions, and its ticket-type choices are
this event's ticket types.
"""

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.backoffice.scope import OrganiserScopedInline, register_event_inline
from events.models import OPTION_MAX, OPTIONS_MAX, Question, TicketType

#: Changing these after people answered changes what the question means.
MEANING_FIELDS = {"kind", "text_ja", "text_en", "choices"}


class QuestionForm(forms.ModelForm):
    # Declared here, so the admin does not wrap it with "add another" links (which would ask
    # the ticket-type admin for the user's permissions: two queries per page).
    ticket_types = forms.ModelMultipleChoiceField(
        queryset=TicketType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=Question._meta.get_field("ticket_types").verbose_name,
        help_text=Question._meta.get_field("ticket_types").help_text,
    )

    class Meta:
        model = Question
        fields = [
            "position",
            "kind",
            "required",
            "text_ja",
            "text_en",
            "choices",
            "ticket_types",
            "counts_for_party",
        ]
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 4, "cols": 40}),
            "ticket_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        field = self.fields["ticket_types"]
        # Plain checkboxes named by the ticket type (ticket types are added above, on the same
        # page).
        field.label_from_instance = lambda ticket_type: ticket_type.name
        field.queryset = (
            TicketType.objects.filter(event=event)
            if event is not None and event.pk
            else TicketType.objects.none()
        )
        field.error_messages["invalid_choice"] = _("Choose ticket types of this event.")
        n_answers = self.instance.answers.count() if self.instance.pk else 0
        if n_answers:
            self.fields["text_ja"].help_text = ngettext(
                "%(n)d person already answered: they keep the text they answered.",
                "%(n)d people already answered: they keep the text they answered.",
                n_answers,
            ) % {"n": n_answers}

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("text_ja") or "").strip()
            and not (cleaned.get("text_en") or "").strip()
        ):
            self.add_error("text_ja", _("Write the question in Japanese, English or both."))
        kind = cleaned.get("kind")
        options = [
            line.strip() for line in (cleaned.get("choices") or "").splitlines() if line.strip()
        ]
        if kind in Question.CHOICE_KINDS:
            if len(options) < 2:
                self.add_error("choices", _("Give at least two options, one per line."))
            elif len(options) > OPTIONS_MAX:
                self.add_error("choices", _("At most %(n)s options.") % {"n": OPTIONS_MAX})
            elif any(len(option) > OPTION_MAX for option in options):
                self.add_error(
                    "choices",
                    _("An option is at most %(n)s characters long.") % {"n": OPTION_MAX},
                )
            elif len(set(options)) != len(options):
                self.add_error("choices", _("Each option may appear only once."))
            else:
                cleaned["choices"] = "\n".join(options)
        elif options:
            self.add_error("choices", _("Only choice questions have options."))
        if cleaned.get("counts_for_party") and kind != Question.Kind.YES_NO:
            self.add_error(
                "counts_for_party", _("Only a yes/no question can give the party count.")
            )
        return cleaned


class QuestionFormSet(BaseInlineFormSet):
    #: Set per request by QuestionInline.get_formset (a fresh class each time).
    request = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "event": self.instance}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            event=self.instance,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def save_existing(self, form, obj, commit=True):
        changed = MEANING_FIELDS & set(form.changed_data)
        if changed and self.request is not None:
            n_answers = obj.answers.count()
            if n_answers:
                messages.warning(
                    self.request,
                    ngettext(
                        "“%(question)s” changed after %(n)d person answered it. They keep the "
                        "text they answered; tell them if the meaning changed.",
                        "“%(question)s” changed after %(n)d people answered it. They keep the "
                        "text they answered; tell them if the meaning changed.",
                        n_answers,
                    )
                    % {"question": obj.text(), "n": n_answers},
                )
        return super().save_existing(form, obj, commit)


@register_event_inline
class QuestionInline(OrganiserScopedInline, admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    verbose_name = _("question for applicants")
    verbose_name_plural = _("questions for applicants (アンケート)")
    fields = [
        ("position", "kind", "required"),
        ("text_ja", "text_en"),
        "choices",
        "ticket_types",
        "counts_for_party",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset
