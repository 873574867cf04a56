"""Configuration changes: a ticket type's allocation and capacity, an event's date, time and venue.

They follow the rule of every seat change (events.registration.allocation): lock the ticket type
row first, check against fresh counts, write, and promote from the waitlist in the same
transaction. The one difference: these functions open `transaction.atomic()` without
`durable=True`, because the back office saves a whole form (an event and its ticket types) in
one transaction of its own and calls them inside it. The row lock is then held until that
transaction commits, so the check, the write and the move-ups are still one unit; called on
their own, they are their own transaction.

Refusals are `RegistrationError`s whose message says why, with the numbers. The `why_not_*`
functions give the same reasons without a lock, so forms can show them in place first.

An event's date, time or venue change with live registrations is saved by `update_event`,
which e-mails every live registrant what changed (queued on commit, in their language).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from events.audit import log
from events.models import Event, Registration, TicketType
from events.registration import allocation
from events.registration.allocation import (
    RegistrationError,
    local_time_text,
    lock_ticket_type,
    promote,
    seat_counts,
)

Status = Registration.Status

#: Changing any of these on an event with live registrations asks for confirmation and mails
#: every live registrant.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "timezone", "venue_name", "address", "online_url")


def _allocation_label(value: str) -> str:
    return str(TicketType.Allocation(value).label)


def _entries(tt: TicketType) -> dict:
    return Registration.objects.filter(ticket_type_id=tt.pk).aggregate(
        total=Count("pk"), live=Count("pk", filter=Q(status__in=Registration.LIVE_STATUSES))
    )


def why_not_change_allocation(tt: TicketType, allocation: str) -> str | None:
    """Why the allocation of `tt` cannot become `allocation` (None when it can)."""
    if not tt.pk or allocation == tt.allocation:
        return None
    if tt.is_drawn:
        return _(
            "The lottery of “%(name)s” was drawn on %(when)s; its allocation stays %(old)s so "
            "that the published draw can still be verified."
        ) % {
            "name": tt.name,
            "when": local_time_text(tt.drawn_at, tt.event),
            "old": _allocation_label(tt.allocation),
        }
    entries = _entries(tt)["total"]
    if entries:
        return _(
            "“%(name)s” already has %(count)s registrations made under %(old)s; its allocation "
            "cannot change to %(new)s. Create a new ticket type instead."
        ) % {
            "name": tt.name,
            "count": entries,
            "old": _allocation_label(tt.allocation),
            "new": _allocation_label(allocation),
        }
    return None


def why_not_set_capacity(tt: TicketType, capacity: int | None) -> str | None:
    """Why `tt` cannot have `capacity` seats (None when it can)."""
    if capacity is None or capacity < 0:
        return _("Capacity must be zero or more.")
    if not tt.pk:
        return None
    accepted = seat_counts(tt)["accepted"]
    if capacity < accepted:
        return _(
            "%(accepted)s people already hold a seat, so the capacity cannot go below "
            "%(accepted)s (you entered %(capacity)s). Cancel registrations first if you need "
            "fewer seats."
        ) % {"accepted": accepted, "capacity": capacity}
    return None


def change_ticket_type(ticket_type: TicketType, *, by) -> TicketType:
    """Save `ticket_type` (an instance carrying the new values) under its row lock.

    A new ticket type is simply created. For an existing one the fresh row is locked, the
    allocation and capacity changes are checked against fresh counts, every field is written,
    and a raised capacity promotes from the waitlist: all in one transaction.
    """
    if ticket_type.pk is None:
        with transaction.atomic():
            ticket_type.save()
        return ticket_type
    with transaction.atomic():
        current = lock_ticket_type(ticket_type)
        reason = why_not_change_allocation(current, ticket_type.allocation) or (
            why_not_set_capacity(current, ticket_type.capacity)
            if ticket_type.capacity != current.capacity
            else None
        )
        if reason:
            raise RegistrationError(reason)
        if allocation._after_count_hook is not None:
            allocation._after_count_hook()
        old_capacity, old_allocation = current.capacity, current.allocation
        ticket_type.save()
        if ticket_type.allocation != old_allocation:
            log(current.event, by, "ticket_type.allocation", ticket_type, old=old_allocation,
                new=ticket_type.allocation)  # fmt: skip
        if ticket_type.capacity != old_capacity:
            log(current.event, by, "ticket_type.capacity", ticket_type, old=old_capacity,
                new=ticket_type.capacity)  # fmt: skip
        if ticket_type.capacity > old_capacity:
            locked = lock_ticket_type(ticket_type)  # the saved row, with its event
            promote(locked)
    return ticket_type


# -- The event's date, time and venue -------------------------------------------------------


def live_registrations(event: Event):
    return Registration.objects.filter(event=event, status__in=Registration.LIVE_STATUSES)


def schedule_changes(event: Event, old: dict) -> dict:
    """{field: (old, new)} for the schedule fields that differ from `old`."""
    return {
        name: (old[name], getattr(event, name))
        for name in SCHEDULE_FIELDS
        if name in old and old[name] != getattr(event, name)
    }


def update_event(event: Event, *, old: dict, by) -> dict:
    """Save `event` (carrying the new values); `old` holds the previous schedule values.

    When the date, time or venue changed and people are registered, every live registrant is
    e-mailed what changed, after commit, in their language. Returns the changes.
    """
    changes = schedule_changes(event, old)
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        event.save()
        if changes:
            log(event, by, "event.schedule", event, fields=sorted(changes))
            ids = list(live_registrations(event).order_by("pk").values_list("pk", flat=True))
            if ids:
                from events.tasks import record_event_changed

                payload = {name: _jsonable(value) for name, (value, _new) in changes.items()}
                record_event_changed(event, ids, payload)
    return changes


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
