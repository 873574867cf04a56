"""The figures of an event: computed from its ticket types and registrations, never typed.

`compute(event)` runs two queries and returns a JSON-ready dict, the shape stored in
`Report.figures`. `chart(figures)` turns a figures dict into the bars of the report's SVG chart.
"""

from django.db.models import Count, Q
from django.utils.dateparse import parse_datetime

from events.models import Registration, TicketType

ACCEPTED = Registration.Status.ACCEPTED


def _ratio(numerator, denominator, digits):
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def _applicants(prefix=""):
    """People who applied: distinct accounts, plus applications whose account was deleted."""
    return Count(f"{prefix}user", distinct=True) + Count(
        f"{prefix}pk", filter=Q(**{f"{prefix}pk__isnull": False, f"{prefix}user__isnull": True})
    )


def compute(event) -> dict:
    """Seats, applicants, applicants per seat, lottery drawn at, accepted, checked in, attendance.

    Applicants count everyone who applied, whatever happened to the application later
    (cancelled, rejected or waitlisted). Accepted and checked in are the current state.
    """
    rows = list(
        TicketType.objects.filter(event=event)
        .order_by("position", "pk")
        .values("pk", "name", "capacity", "allocation", "drawn_at")
        .annotate(
            applicants=_applicants("registrations__"),
            accepted=Count("registrations", filter=Q(registrations__status=ACCEPTED)),
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        )
    )
    totals = Registration.objects.filter(event=event).aggregate(
        applicants=_applicants(),
        accepted=Count("pk", filter=Q(status=ACCEPTED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return from_rows(rows, totals)


def from_rows(rows: list[dict], totals: dict) -> dict:
    """The pure part: ticket type rows and event totals -> the figures dict."""
    seats = sum(row["capacity"] for row in rows)
    drawn = [row["drawn_at"] for row in rows if row["allocation"] == "lottery" and row["drawn_at"]]
    lottery_drawn_at = max(drawn) if drawn else None
    return {
        "seats": seats,
        "applicants": totals["applicants"],
        "applicants_per_seat": _ratio(totals["applicants"], seats, 2),
        "lottery_drawn_at": lottery_drawn_at.isoformat() if lottery_drawn_at else None,
        "accepted": totals["accepted"],
        "checked_in": totals["checked_in"],
        "attendance_rate": _ratio(totals["checked_in"], totals["accepted"], 3),
        "ticket_types": [
            {
                "name": row["name"],
                "allocation": row["allocation"],
                "capacity": row["capacity"],
                "applicants": row["applicants"],
                "accepted": row["accepted"],
                "checked_in": row["checked_in"],
                "applicants_per_seat": _ratio(row["applicants"], row["capacity"], 2),
            }
            for row in rows
        ],
    }


# The chart is drawn in a 400-wide viewBox; the labels take the left column.
CHART_WIDTH = 400
CHART_LABEL_WIDTH = 112
CHART_BAR_HEIGHT = 26
CHART_GAP = 12


def chart(figures: dict, labels: dict) -> dict | None:
    """Bars for seats, applicants and attendees, as SVG coordinates (no inline style needed)."""
    values = [
        ("seats", figures.get("seats") or 0),
        ("applicants", figures.get("applicants") or 0),
        ("attendees", figures.get("checked_in") or 0),
    ]
    largest = max(value for _key, value in values)
    if not largest:
        return None
    room = CHART_WIDTH - CHART_LABEL_WIDTH - 48
    bars = []
    for index, (key, value) in enumerate(values):
        y = index * (CHART_BAR_HEIGHT + CHART_GAP)
        width = round(room * value / largest, 1)
        bars.append(
            {
                "key": key,
                "label": labels[key],
                "value": value,
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT / 2 + 5,
                "x": CHART_LABEL_WIDTH,
                "width": max(width, 2),
                "value_x": CHART_LABEL_WIDTH + max(width, 2) + 8,
            }
        )
    height = len(bars) * (CHART_BAR_HEIGHT + CHART_GAP) - CHART_GAP
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": height,
        "bar_height": CHART_BAR_HEIGHT,
        "label_x": CHART_LABEL_WIDTH - 10,
    }


def drawn_at(figures: dict):
    value = figures.get("lottery_drawn_at")
    return parse_datetime(value) if value else None
