"""Change a ticket type's published timetable: close applications now, move the lottery time.

Both change what the event page and the lottery record show, so they take the ticket type's
row lock like every other registration write (an application arriving in the same instant
either gets in before the close or is refused after it) and leave an audit log entry.

    close_applications(ticket_type, by=user)       # applications close now; the draw may run
    reschedule_draw(ticket_type, when, by=user)     # the lottery runs at `when` instead
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.audit import log
from events.models import TicketType
from events.registration.allocation import RegistrationError, local_time_text, lock_ticket_type


class ScheduleError(RegistrationError):
    """Why a timetable change was refused. Nothing was changed."""


def close_applications(ticket_type, *, by, now=None) -> TicketType:
    """Close the application window at `now`; a lottery whose time has not come yet is moved
    to `now` too, so it can be drawn at once."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        tt = lock_ticket_type(ticket_type)
        if tt.is_drawn:
            raise ScheduleError(
                _("The lottery for “%(name)s” is already drawn.") % {"name": tt.name}
            )
        if tt.closes_at <= now:
            raise ScheduleError(
                _("Applications for “%(name)s” already closed at %(when)s.")
                % {"name": tt.name, "when": local_time_text(tt.closes_at, tt.event)}
            )
        if tt.opens_at > now:
            raise ScheduleError(
                _("Applications for “%(name)s” have not opened yet (they open at %(when)s).")
                % {"name": tt.name, "when": local_time_text(tt.opens_at, tt.event)}
            )
        planned_close = tt.closes_at
        tt.closes_at = now
        fields = ["closes_at", "updated_at"]
        if tt.is_lottery and tt.lottery_at and tt.lottery_at > now:
            tt.lottery_at = now
            fields.append("lottery_at")
        tt.save(update_fields=fields)
        log(
            tt.event,
            by,
            "ticket_type.close_applications",
            tt,
            name=tt.name,
            planned=planned_close.isoformat(),
        )
    return tt


def reschedule_draw(ticket_type, when, *, by, now=None) -> TicketType:
    """Move the lottery time; it must be in the future and not before applications close."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        tt = lock_ticket_type(ticket_type)
        if not tt.is_lottery:
            raise ScheduleError(_("“%(name)s” is not a lottery ticket type.") % {"name": tt.name})
        if tt.is_drawn:
            raise ScheduleError(
                _("The lottery for “%(name)s” is already drawn.") % {"name": tt.name}
            )
        if when <= now:
            raise ScheduleError(_("Pick a time in the future."))
        if when < tt.closes_at:
            raise ScheduleError(
                _("The lottery cannot run before applications close (%(when)s).")
                % {"when": local_time_text(tt.closes_at, tt.event)}
            )
        tt.lottery_at = when
        tt.save(update_fields=["lottery_at", "updated_at"])
        log(
            tt.event,
            by,
            "ticket_type.reschedule_draw",
            tt,
            name=tt.name,
            when=local_time_text(when, tt.event),
        )
    return tt
