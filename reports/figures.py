"""The figures of an event: computed from its ticket types and registrations, never typed.

`compute(event)` runs three queries and returns a JSON-ready dict, the shape stored in
`Report.figures`. `chart(figures)` turns a figures dict into the bars of the report's SVG chart.
"""

from django.utils.dateparse import parse_datetime

from events.models import TicketType
from events.queries import figures_for


def _ratio(numerator, denominator, digits):
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def compute(event, now=None) -> dict:
    """The event's figures as the events app defines them (events.queries: applicants are the
    accepted, waitlisted and pending registrations), plus the lottery time and the attendance
    rate (checked in / accepted). Three queries."""
    figures = figures_for(event, now=now)
    ticket_types = list(
        TicketType.objects.filter(event=event)
        .order_by("position", "pk")
        .values("pk", "name", "capacity", "allocation", "drawn_at")
    )
    drawn = [
        tt["drawn_at"] for tt in ticket_types if tt["allocation"] == "lottery" and tt["drawn_at"]
    ]
    return from_figures(figures, ticket_types, max(drawn) if drawn else None)


def from_figures(figures, ticket_types: list[dict], lottery_drawn_at=None) -> dict:
    """The pure part: the read model's figures and ticket type rows -> the stored dict."""
    total = figures.total
    return {
        **total.as_dict(),
        "lottery_drawn_at": lottery_drawn_at.isoformat() if lottery_drawn_at else None,
        "attendance_rate": _ratio(total.checked_in, total.accepted, 3),
        "ticket_types": [
            {
                "name": tt["name"],
                "allocation": tt["allocation"],
                "capacity": tt["capacity"],
                **figures.for_type(tt["pk"]).as_dict(),
            }
            for tt in ticket_types
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
