"""Read models: what the pages, the back office, feeds and the API read about events.

Each function runs a fixed number of queries whatever the number of ticket types and
registrations. Writes are never here: they are the workflow functions in events.registration.

The figures of an event have ONE definition each, here, and every page, feed, report and the
API reads them from `figures_for` (an event, per ticket type), `ticket_types_with_counts` (the
same, as ticket types carrying `.figures`) or `events_with_figures` (a list of events, as one
annotation). docs/figures.md says the same in prose; the audit page says it in its own words.

- seats: the capacity of the event's ticket types, added up.
- accepted: registrations that hold a seat now (status accepted, checked in or not).
- waitlisted: registrations waiting for a seat now (status waitlisted).
- pending: registrations waiting for a lottery or for the organisers' decision now.
- applicants: the people still in the running: accepted + waitlisted + pending. Cancelled
  and rejected registrations are not applicants; one person has at most one live registration
  per event, so this is also a number of people.
- cancelled: registrations cancelled for any reason (by the person, by the organisers, by the
  event's cancellation, or expired without reconfirmation). Rejected ones are counted apart.
- checked in: accepted registrations checked in at the door.
- no-shows: once the event has ended, accepted registrations not checked in; before, none
  (shown as a dash).
- applicants per seat: applicants / seats, rounded to one decimal (none without seats).

The lottery's "entries" (the audit page) are another thing: the pending registrations frozen by
the draw. They never change after it, while the applicants above move with every cancellation.
"""

from dataclasses import dataclass, fields
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from events.models import Community, Registration, TicketType

Status = Registration.Status


def applicants_per_seat(applicants: int, seats: int) -> float | None:
    """The one rounding of the ratio: one decimal; None when there are no seats."""
    return round(applicants / seats, 1) if seats else None


#: Each figure as a condition on a registration row (the single definition).
FIGURE_FILTERS = {
    "accepted": Q(status=Status.ACCEPTED),
    "waitlisted": Q(status=Status.WAITLISTED),
    "pending": Q(status=Status.PENDING),
    "cancelled": Q(status=Status.CANCELLED),
    "rejected": Q(status=Status.REJECTED),
    "checked_in": Q(status=Status.ACCEPTED, checked_in_at__isnull=False),
}


@dataclass(frozen=True)
class Figures:
    """The figures of an event or of one ticket type (definitions: the module docstring)."""

    seats: int = 0
    accepted: int = 0
    waitlisted: int = 0
    pending: int = 0
    cancelled: int = 0
    rejected: int = 0
    checked_in: int = 0
    ended: bool = False

    @property
    def applicants(self) -> int:
        return self.accepted + self.waitlisted + self.pending

    @property
    def no_shows(self) -> int | None:
        return self.accepted - self.checked_in if self.ended else None

    @property
    def per_seat(self) -> float | None:
        return applicants_per_seat(self.applicants, self.seats)

    def __add__(self, other: "Figures") -> "Figures":
        counts = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "ended"
        }
        return Figures(**counts, ended=self.ended or other.ended)

    def as_dict(self) -> dict:
        """Every figure by name, JSON-ready (the report stores this)."""
        return {
            "seats": self.seats,
            "applicants": self.applicants,
            "accepted": self.accepted,
            "waitlisted": self.waitlisted,
            "pending": self.pending,
            "cancelled": self.cancelled,
            "rejected": self.rejected,
            "checked_in": self.checked_in,
            "no_shows": self.no_shows,
            "applicants_per_seat": self.per_seat,
        }


@dataclass(frozen=True)
class EventFigures:
    total: Figures
    by_ticket_type: dict  # ticket type pk -> Figures

    def for_type(self, ticket_type) -> Figures:
        return self.by_ticket_type.get(getattr(ticket_type, "pk", ticket_type), Figures())


def _counts_by_ticket_type(event) -> dict[int, dict]:
    rows = (
        Registration.objects.filter(event=event)
        .values("ticket_type")
        .annotate(**{name: Count("pk", filter=q) for name, q in FIGURE_FILTERS.items()})
        .order_by()
    )
    return {row.pop("ticket_type"): row for row in rows}


def _ended(event, now=None) -> bool:
    return (now or timezone.now()) >= event.ends_at


def _figures(tt, counts: dict, ended: bool) -> Figures:
    return Figures(seats=tt.capacity, ended=ended, **counts.get(tt.pk, {}))


def _total(figures) -> Figures:
    total = Figures()
    for one in figures:
        total = total + one
    return total


def figures_for(event, now=None) -> EventFigures:
    """The event's figures, total and per ticket type: two queries."""
    counts = _counts_by_ticket_type(event)
    ended = _ended(event, now)
    by_type = {
        tt.pk: _figures(tt, counts, ended)
        for tt in TicketType.objects.filter(event=event).only("pk", "capacity")
    }
    total = _total(by_type.values())
    return EventFigures(total=Figures(**{**total.__dict__, "ended": ended}), by_ticket_type=by_type)


def attach_figures(ticket_types, event, now=None) -> list[TicketType]:
    """Set `.figures` on ticket types already read (one query)."""
    counts = _counts_by_ticket_type(event)
    ended = _ended(event, now)
    for tt in ticket_types:
        tt.figures = _figures(tt, counts, ended)
        tt.event = event  # the window and lottery times render in the event's timezone
    return ticket_types


def ticket_types_with_counts(event, now=None) -> list[TicketType]:
    """The event's ticket types in order, each carrying `.figures` (two queries)."""
    return attach_figures(list(event.ticket_types.order_by("position", "pk")), event, now)


def total_of(ticket_types, event=None, now=None) -> Figures:
    """The event total of ticket types read by `ticket_types_with_counts` (no query)."""
    total = _total(tt.figures for tt in ticket_types)
    if event is not None:
        total = Figures(**{**total.__dict__, "ended": _ended(event, now)})
    return total


def events_with_figures(queryset):
    """Events annotated with `seats`, `accepted`, `waitlisted`, `pending` and `applicants`
    (subqueries, so no row multiplication), by the definitions above."""
    seats = (
        TicketType.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(total=Sum("capacity"))
        .values("total")
    )

    def count(q):
        subquery = (
            Registration.objects.filter(q, event=OuterRef("pk"))
            .values("event")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))

    live = FIGURE_FILTERS["accepted"] | FIGURE_FILTERS["waitlisted"] | FIGURE_FILTERS["pending"]
    return queryset.select_related("community").annotate(
        seats=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)),
        accepted=count(FIGURE_FILTERS["accepted"]),
        waitlisted=count(FIGURE_FILTERS["waitlisted"]),
        pending=count(FIGURE_FILTERS["pending"]),
        applicants=count(live),
    )


def waitlist_position():
    ahead = (
        Registration.objects.filter(
            ticket_type=OuterRef("ticket_type"),
            status=Status.WAITLISTED,
            waitlist_rank__lt=OuterRef("waitlist_rank"),
        )
        .values("ticket_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1


def with_waitlist_positions(queryset):
    """Registrations with `waitlist_position` filled in by the same query."""
    rows = list(queryset.annotate(position_annotated=waitlist_position()))
    for registration in rows:
        registration.__dict__["waitlist_position"] = (
            registration.position_annotated if registration.status == Status.WAITLISTED else None
        )
    return rows


class Participant(NamedTuple):
    pk: int
    status: str
    name: str
    is_organiser: bool
    profile: str  # "" when the person hid their public profile


def participants(event) -> list[Participant]:
    """Who agreed to be listed, grouped by status in list order. Plain rows, not models: a
    popular event lists hundreds of people, and building models for them cost more than the
    rest of the page's queries."""
    rows = (
        Registration.objects.filter(
            event=event,
            show_in_list=True,
            status__in=[Status.ACCEPTED, Status.WAITLISTED, Status.PENDING],
            user__isnull=False,
        )
        .annotate(
            # Marked on the list, so that nobody passes for an organiser by their name alone.
            is_organiser=Exists(
                Community.organisers.through.objects.filter(
                    community_id=event.community_id, user_id=OuterRef("user_id")
                )
            )
        )
        .order_by("status", "waitlist_rank", "applied_at", "pk")
        .values_list(
            "pk",
            "status",
            "user__display_name",
            "user__nickname",
            "is_organiser",
            "user__profile_hidden",
        )
    )
    # Nicknames are URL-safe: one reverse() for the page, not one per person.
    profiles = reverse("user_profile", args=["-"]).removesuffix("-/")
    return [
        Participant(
            pk,
            status,
            display or nickname,
            organiser,
            "" if hidden else f"{profiles}{nickname}/",
        )
        for pk, status, display, nickname, organiser, hidden in rows
    ]


class ParticipantGroup(NamedTuple):
    status: str
    label: str
    people: list[Participant]
    hidden: int  # the people of this status who chose not to be listed

    @property
    def names(self) -> list[str]:
        return [person.name for person in self.people]


def participant_groups(event, figures: Figures) -> list[ParticipantGroup]:
    """Accepted, waitlisted and pending people: the listed people, and how many more there are
    (the figures count everyone; the list only those who agreed to be listed)."""
    rows = participants(event)
    groups = []
    for status in (Status.ACCEPTED, Status.WAITLISTED, Status.PENDING):
        people = [p for p in rows if p.status == status]
        total = getattr(figures, str(status))
        if total:
            groups.append(
                ParticipantGroup(str(status), Status(status).label, people, total - len(people))
            )
    return groups
