"""Answers to an event's questions: checked and stored with the application, changed later.

    store(registration, answers)             # inside `allocation.apply`'s transaction
    change(registration, answers, by=user)   # from /me/, until applications close

`answers` maps a `Question` to what the person gave: a string (text, one option, "yes"/"no")
or a list of strings (several options); None or "" means no answer. Every answer is checked
here whoever calls (the forms check the same limits first, to show errors in place): a
question of another event or of another ticket type, an option that is not offered, a text
over the limit, or a required question left empty raise `RegistrationError`.
Answers never touch seats, and the draw never reads them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import NO, YES, Answer, Question, Registration
from events.registration.allocation import RegistrationError, local_time_text


def questions_for(ticket_type) -> list[Question]:
    """The questions asked to applicants of `ticket_type`, in order (one query)."""
    return list(
        Question.objects.filter(event_id=ticket_type.event_id)
        .filter_for_ticket_type(ticket_type.pk)
        .order_by("position", "pk")
    )


def _normalised(question: Question, given) -> str:
    """The stored value for what was given, or RegistrationError saying what is wrong."""
    if given is None:
        given = []
    values = [given] if isinstance(given, str) else list(given)
    values = [str(v).strip() for v in values if str(v).strip()]
    text = question.text()
    if not values:
        if question.required:
            raise RegistrationError(_("“%(question)s” needs an answer.") % {"question": text})
        return ""
    kind = question.kind
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        value = "\n".join(values)
        if len(value) > question.max_length:
            raise RegistrationError(
                _("The answer to “%(question)s” is too long (at most %(limit)s characters).")
                % {"question": text, "limit": question.max_length}
            )
        return value
    if kind == Question.Kind.YES_NO:
        if len(values) != 1 or values[0] not in (YES, NO):
            raise RegistrationError(_("Answer “%(question)s” with yes or no.") % {"question": text})
        return values[0]
    if kind == Question.Kind.ONE_CHOICE and len(values) != 1:
        raise RegistrationError(_("Choose one option for “%(question)s”.") % {"question": text})
    offered = question.options
    if any(value not in offered for value in values):
        raise RegistrationError(
            _("Choose among the options of “%(question)s”.") % {"question": text}
        )
    return "\n".join(v for v in offered if v in values)  # in the organiser's order, once each


def _check_questions(registration: Registration, questions, answers) -> None:
    asked = {q.pk for q in questions}
    for question in answers:
        if question.pk not in asked:
            if question.event_id != registration.event_id:
                raise RegistrationError(_("That question belongs to another event."))
            raise RegistrationError(
                _("“%(question)s” is not asked for this ticket type.")
                % {"question": question.text()}
            )


def store(
    registration: Registration, answers: dict | None, *, questions=None, replace=False
) -> list[Answer]:
    """Write the answers of a registration (`replace`: instead of its earlier ones). Call inside
    a transaction; on a refusal the caller's transaction rolls back, registration included."""
    answers = {q: v for q, v in (answers or {}).items()}
    if questions is None:
        questions = questions_for(registration.ticket_type)
    _check_questions(registration, questions, answers)
    given = {q.pk: v for q, v in answers.items()}
    now = timezone.now()
    rows = []
    for question in questions:
        value = _normalised(question, given.get(question.pk))
        if value:
            rows.append(
                Answer(
                    registration=registration,
                    user_id=registration.user_id,
                    question=question,
                    value=value,
                    question_text=question.text(),
                    kind=question.kind,
                    options_text=question.choices if question.is_choice else "",
                    answered_at=now,
                )
            )
    if replace:
        Answer.objects.filter(registration=registration).delete()
    return Answer.objects.bulk_create(rows)


def may_change(registration: Registration, now=None) -> bool:
    """Answers can change while the registration is live and its applications are open."""
    now = now or timezone.now()
    tt = registration.ticket_type
    return registration.is_live and now < tt.closes_at and now < registration.event.starts_at


def change(registration: Registration, answers: dict | None, *, by) -> list[Answer]:
    """The person changes their answers (only theirs, only until applications close)."""
    if by is None or by.pk != registration.user_id:
        raise RegistrationError(_("You can only change your own answers."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("ticket_type", "event")
            .get(pk=registration.pk)
        )
        if not may_change(registration):
            raise RegistrationError(
                _("Applications closed on %(when)s; answers can no longer change.")
                % {"when": local_time_text(registration.ticket_type.closes_at, registration.event)}
                if registration.is_live
                else _("This registration is cancelled.")
            )
        return store(registration, answers, replace=True)
