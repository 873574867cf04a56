"""Read models: what the pages, the back office, feeds and the API read about events.

Each function runs a fixed number of queries whatever the number of ticket types and
registrations. Writes are never here: they are the workflow functions in events.registration.
"""

from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from events.models import Community, Registration, TicketType

Status = Registration.Status


def _count(status_filter):
    return Count("registrations", filter=status_filter)


def events_with_figures(queryset):
    """Events annotated with seats and live applicants (subqueries: no row multiplication)."""
    seats = (
        TicketType.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(total=Sum("capacity"))
        .values("total")
    )
    applicants = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=Registration.LIVE_STATUSES)
        .values("event")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return queryset.select_related("community").annotate(
        seats=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)),
        applicants=Coalesce(Subquery(applicants, output_field=IntegerField()), Value(0)),
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


def ticket_types_with_counts(event):
    ticket_types = list(
        event.ticket_types.annotate(
            n_accepted=_count(Q(registrations__status=Status.ACCEPTED)),
            n_pending=_count(Q(registrations__status=Status.PENDING)),
            n_waitlisted=_count(Q(registrations__status=Status.WAITLISTED)),
        ).order_by("position", "pk")
    )
    for tt in ticket_types:
        tt.n_applicants = tt.n_accepted + tt.n_pending + tt.n_waitlisted
        tt.per_seat = round(tt.n_applicants / tt.capacity, 1) if tt.capacity else None
        tt.event = event  # the window and lottery times render in the event's timezone
    return ticket_types


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
