"""What the back office pages compute: dashboard figures, the applications chart, the CSV rows,
and a registrant's attendance history. Reads only; every write is a
workflow call (events.registration.allocation, events.registration.draw) made by the views.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from events import queries, states
from events.models import Answer, AuditLog, Event, Registration, TicketType
from events.queries import Figures
from events.registration import draw

Status = Registration.Status

# -- Dashboard ------------------------------------------------------------------------------


@dataclass
class Chart:
    """A cumulative line of applications per day, drawn as SVG by the template."""

    width: int = 400
    height: int = 170
    left: int = 40
    right: int = 12
    top: int = 12
    bottom: int = 28
    points: str = ""
    capacity_y: float | None = None
    max_value: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    days: list = field(default_factory=list)  # [(day, new, total)]
    ticks: list = field(default_factory=list)  # [(y, label)]

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right


def build_chart(per_day: dict, capacity: int, start: dt.date, end: dt.date) -> Chart:
    """A step line of the running total from `start` to `end` (inclusive), with the capacity."""
    chart = Chart()
    if end < start:
        end = start
    if per_day:
        start = min(start, min(per_day))
        end = max(end, max(per_day))
    span = (end - start).days
    total = 0
    for offset in range(span + 1):
        day = start + dt.timedelta(days=offset)
        new = per_day.get(day, 0)
        total += new
        chart.days.append((day, new, total))
    chart.max_value = total
    top_value = max(total, capacity, 1)
    plot_w = chart.plot_right - chart.left
    plot_h = chart.plot_bottom - chart.top

    def x(i: float) -> float:
        return round(chart.left + plot_w * (i / max(span + 1, 1)), 1)

    def y(value: float) -> float:
        return round(chart.plot_bottom - plot_h * (value / top_value), 1)

    points = [(x(0), y(0))]
    previous = 0
    for index, (_day, _new, running) in enumerate(chart.days):
        points.append((x(index), y(previous)))
        points.append((x(index), y(running)))
        previous = running
    points.append((x(span + 1), y(previous)))
    chart.points = " ".join(f"{px},{py}" for px, py in points)
    chart.capacity_y = y(capacity) if capacity else None
    chart.first_day, chart.last_day = start, end
    chart.ticks = [(y(v), v) for v in sorted({0, top_value // 2, top_value})]
    return chart


@dataclass
class TicketTypeFigures:
    """A ticket type's row on the dashboard: its figures (events.queries, the one definition),
    its applications chart and whether the draw is offered."""

    ticket_type: TicketType
    figures: Figures
    chart: Chart
    drawable: bool

    def __getattr__(self, name):
        # f.accepted, f.per_seat, ...: the figures read as the row's own.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.figures, name)


def dashboard_figures(event: Event, now=None) -> list[TicketTypeFigures]:
    """Per ticket type: the figures and the chart, in three queries whatever the numbers."""
    now = now or timezone.now()
    ticket_types = queries.ticket_types_with_counts(event, now=now)
    per_day: dict[int, dict] = {tt.pk: {} for tt in ticket_types}
    rows = (
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("applied_at", tzinfo=event.tzinfo))
        .values_list("ticket_type_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for ticket_type_id, day, n in rows:
        per_day.setdefault(ticket_type_id, {})[day] = n
    figures = []
    for tt in ticket_types:
        start = timezone.localtime(tt.opens_at, event.tzinfo).date()
        end = timezone.localtime(min(tt.closes_at, now), event.tzinfo).date()
        figures.append(
            TicketTypeFigures(
                ticket_type=tt,
                figures=tt.figures,
                chart=build_chart(per_day[tt.pk], tt.capacity, start, end),
                drawable=drawable(tt, now),
            )
        )
    return figures


def drawable(ticket_type: TicketType, now=None) -> bool:
    """Whether the dashboard offers the draw (the draw itself checks again, under the lock)."""
    return draw.why_not_drawable(ticket_type, now or timezone.now()) is None


def recent_log(event: Event, limit: int = 20):
    return list(AuditLog.objects.filter(event=event).select_related("actor")[:limit])


# -- CSV export -----------------------------------------------------------------------------

BOM = "\ufeff"
# Column names in the organiser's language; the export view's ?lang=en gives scripts the
# English names (and English statuses) whatever the organiser's language.
CSV_COLUMNS = [
    pgettext_lazy("CSV column", "receipt"),
    pgettext_lazy("CSV column", "name"),
    pgettext_lazy("CSV column", "e-mail"),
    pgettext_lazy("CSV column", "ticket type"),
    pgettext_lazy("CSV column", "status"),
    pgettext_lazy("CSV column", "draw rank"),
    pgettext_lazy("CSV column", "waitlist place"),
    pgettext_lazy("CSV column", "applied"),
    pgettext_lazy("CSV column", "checked in"),
]
CSV_ROWS_PER_CHUNK = 500


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    # Spreadsheets run cells that start with = + - @ as formulas: quote them.
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_chunks(event: Event, chunk_size: int | None = None):
    """The registrations of `event` as CSV text chunks, the first with the BOM and the header.

    Rows come from the database with `.iterator()`, so memory stays flat for any number.
    """
    chunk_size = chunk_size or CSV_ROWS_PER_CHUNK
    writer = csv.writer(_Echo())
    tz = event.tzinfo

    def when(value):
        return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""

    questions = list(event.questions.order_by("position", "pk"))
    # One column per question, named by its number and text in the export's language.
    header = [str(column) for column in CSV_COLUMNS] + [
        f"Q{n}: {q.text()}" for n, q in enumerate(questions, start=1)
    ]
    yield BOM + writer.writerow([_cell(name) for name in header])
    ended = timezone.now() >= event.ends_at
    rows = (
        Registration.objects.filter(event=event)
        .annotate(place=queries.waitlist_position())
        .order_by("ticket_type__position", "ticket_type_id", "applied_at", "pk")
        .values_list(
            "pk",
            "receipt",
            "user__display_name",
            "user__nickname",
            "user__email",
            "ticket_type__name",
            "ticket_type__allocation",
            "status",
            "cancel_reason",
            "draw_rank",
            "place",
            "applied_at",
            "checked_in_at",
        )
    )

    def lines(batch):
        answers = _answers_of([row[0] for row in batch]) if questions else {}
        out = []
        for (
            pk,
            receipt,
            display,
            nickname,
            email,
            tt_name,
            allocation,
            status,
            cancel_reason,
            d_rank,
            place,
            applied,
            checked,
        ) in batch:
            state = states.state_key(
                status=status,
                cancel_reason=cancel_reason,
                checked_in=checked is not None,
                is_lottery=allocation == TicketType.Allocation.LOTTERY,
                event_cancelled=event.is_cancelled,
                event_ended=ended,
            )
            given = answers.get(pk, {})
            out.append(
                writer.writerow(
                    [
                        receipt,
                        _cell(display or nickname),
                        _cell(email),
                        _cell(tt_name),
                        states.label(state, organiser=True),
                        d_rank if d_rank is not None else "",
                        place if status == Status.WAITLISTED else "",
                        when(applied),
                        when(checked),
                        *(_cell(given.get(q.pk, "")) for q in questions),
                    ]
                )
            )
        return "".join(out)

    batch = []
    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) >= chunk_size:
            yield lines(batch)
            batch = []
    if batch:
        yield lines(batch)


def _answers_of(registration_ids) -> dict:
    """{registration id: {question id: the answer in words}} for a batch of registrations
    (one query per batch: memory stays flat)."""
    result: dict = {}
    for answer in Answer.objects.filter(registration_id__in=registration_ids):
        text = answer.display_value(separator="; ")
        result.setdefault(answer.registration_id, {})[answer.question_id] = text
    return result


# -- Attendance history ---------------------------------------------------------------------


def attendance_history(registration, now=None, limit: int = 20):
    """The registrant's registrations for this community's past events, newest first, and
    the totals: {"rows": [(registration, outcome)], "attended": n, "no_shows": n}."""
    now = now or timezone.now()
    if registration.user_id is None:
        return {"rows": [], "attended": 0, "no_shows": 0}
    past = (
        Registration.objects.filter(
            user_id=registration.user_id,
            event__community_id=registration.event.community_id,
            event__ends_at__lt=now,
        )
        .exclude(pk=registration.pk)
        .select_related("event", "ticket_type")
        .order_by("-event__starts_at", "-pk")
    )
    totals = past.aggregate(
        attended=Count("pk", filter=Q(status=Status.ACCEPTED, checked_in_at__isnull=False)),
        no_shows=Count("pk", filter=Q(status=Status.ACCEPTED, checked_in_at__isnull=True)),
    )
    rows = []
    for past_registration in past[:limit]:
        rows.append((past_registration, outcome(past_registration)))
    return {"rows": rows, **totals}


def outcome(registration) -> str:
    """A past registration's outcome in words: attended, no-show, or its state's name."""
    if registration.status == Status.ACCEPTED:
        return _("attended") if registration.checked_in_at else _("no-show")
    if registration.status == Status.WAITLISTED:
        return _("did not get a seat (waitlist)")
    return states.label(states.state_of(registration), organiser=True)
