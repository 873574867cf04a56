"""Reading and copying an event's questionnaire: the organisers' summary, the party count,
the copy to the next event. Writes of answers are in `events.registration.answers`.

Everything here is for organisers: answers are personal data and no public page, feed, API
or lottery record reads this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from events.models import NO, YES, Answer, Event, Question, Registration, option_label


def copy_questions(from_event: Event, to_event: Event) -> list[Question]:
    """Copy `from_event`'s questions to `to_event`, after any it already has.

    A question limited to ticket types stays limited to the ticket types of `to_event` with
    the same names; if none of them exists there, it is asked to everyone. Answers are never
    copied. Returns the new questions.
    """
    with transaction.atomic():
        sources = list(
            from_event.questions.prefetch_related("ticket_types").order_by("position", "pk")
        )
        start = to_event.questions.order_by("-position").values_list("position", flat=True).first()
        offset = 0 if start is None else start + 1
        by_name = {tt.name: tt for tt in to_event.ticket_types.all()}
        copies = []
        for index, source in enumerate(sources):
            copy = Question.objects.create(
                event=to_event,
                position=offset + index,
                kind=source.kind,
                text_ja=source.text_ja,
                text_en=source.text_en,
                choices=source.choices,
                required=source.required,
                counts_for_party=source.counts_for_party,
            )
            targets = [by_name[t.name] for t in source.ticket_types.all() if t.name in by_name]
            copy.ticket_types.set(targets)
            copies.append(copy)
    return copies


# -- Summary ---------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    y: int = 0
    width: float = 0.0
    count_x: float = 0.0  # where the count is written, just right of the bar
    former: bool = False  # an option no longer offered (the question changed after answers)


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (receipt, text)
    #: SVG geometry of the bar chart (drawn by the template).
    label_width: int = 170
    bar_width: int = 330
    row_height: int = 26

    @property
    def chart_height(self) -> int:
        return self.row_height * len(self.bars)

    @property
    def chart_width(self) -> int:
        return self.label_width + self.bar_width + 40


def _bars(question: Question, counts: Counter) -> list[Bar]:
    if question.kind == Question.Kind.YES_NO:
        bars = [Bar(str(_("Yes")), counts.get(YES, 0)), Bar(str(_("No")), counts.get(NO, 0))]
        known = {YES, NO}
    else:
        bars = [Bar(option_label(raw), counts.get(raw, 0)) for raw in question.options]
        known = set(question.options)
    for raw, n in sorted(counts.items()):
        if raw not in known:
            bars.append(Bar(option_label(raw), n, former=True))
    return bars


def summary(event: Event) -> list[QuestionSummary]:
    """Per question: how many answered, counts per option (with bar geometry) or the texts.
    Two queries whatever the number of answers' rows."""
    questions = list(event.questions.order_by("position", "pk"))
    counts: dict[int, Counter] = {q.pk: Counter() for q in questions}
    answered: Counter = Counter()
    texts: dict[int, list] = {q.pk: [] for q in questions}
    rows = (
        Answer.objects.filter(registration__event=event)
        .exclude(registration__status__in=[Registration.Status.CANCELLED])
        .order_by("registration__applied_at", "pk")
        .values_list("question_id", "kind", "value", "registration__receipt")
    )
    for question_id, kind, value, receipt in rows.iterator(chunk_size=2000):
        answered[question_id] += 1
        if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            texts[question_id].append((receipt, value))
        else:
            counts[question_id].update(line for line in value.splitlines() if line)
    result = []
    for question in questions:
        item = QuestionSummary(question=question, answered=answered[question.pk])
        if question.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            item.texts = texts[question.pk]
        else:
            item.bars = _bars(question, counts[question.pk])
            top = max([bar.count for bar in item.bars] + [1])
            for index, bar in enumerate(item.bars):
                bar.y = index * item.row_height
                bar.width = round(item.bar_width * bar.count / top, 1)
                bar.count_x = round(item.label_width + bar.width + 6, 1)
        result.append(item)
    return result


def party_counts(event: Event) -> list[tuple[Question, int]]:
    """For each yes/no question marked as the party count: accepted people who said yes."""
    return [
        (q, q.n_yes)
        for q in event.questions.filter(kind=Question.Kind.YES_NO, counts_for_party=True).annotate(
            n_yes=Count(
                "answers",
                filter=Q(
                    answers__value=YES,
                    answers__registration__status=Registration.Status.ACCEPTED,
                ),
            )
        )
    ]
