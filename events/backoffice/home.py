"""The organiser's home at /admin/: what is coming, what needs them, what happened.

Reads only. `home_context(request)` is what the back-office site's index adds to the stock
context (which keeps the app list, so superusers still reach every table). Its query count
does not grow with the number of events, ticket types, approvals or log entries.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.backoffice.scope import organised_communities, organised_events
from events.models import AuditLog, Event, Registration, TicketType

#: Ended events stay on the home this long (their report is still to write).
RECENTLY_ENDED = dt.timedelta(days=30)
#: A lottery whose time is this close (or past, or whose applications closed) is "due".
LOTTERY_SOON = dt.timedelta(days=1)
LIST_LIMIT = 20
ACTIVITY_LIMIT = 12


@dataclass
class EventState:
    event: Event
    sentence: str
    tone: str  # "", "ok", "warn", "done": the badge's colour
    ended: bool


def _when(value, event) -> str:
    return date_format(timezone.localtime(value, event.tzinfo), "DATETIME_FORMAT")


def event_state(event: Event, now) -> EventState:
    """The event's state in words, from its (prefetched) ticket types; runs no query."""
    local_now = timezone.localtime(now, event.tzinfo)

    def state(sentence, tone=""):
        return EventState(event, sentence, tone, ended=now >= event.ends_at)

    if event.status == Event.Status.CANCELLED:
        return state(_("Cancelled"), "done")
    if now >= event.ends_at:
        return state(_("Ended"), "done")
    if now >= event.starts_at:
        return state(_("Happening now"), "warn")
    if timezone.localtime(event.starts_at, event.tzinfo).date() == local_now.date():
        return state(
            _("Today, from %(time)s")
            % {"time": timezone.localtime(event.starts_at, event.tzinfo).strftime("%H:%M")},
            "warn",
        )
    ticket_types = list(event.ticket_types.all())
    prefix = _("Draft: not published. ") if event.status == Event.Status.DRAFT else ""
    if not ticket_types:
        return state(prefix + _("No ticket types yet"))
    for tt in ticket_types:
        opens, deadline = tt.reconfirm_opens_at, tt.reconfirm_deadline_at
        if opens and deadline and opens <= now < deadline:
            return state(
                prefix + _("Reconfirmation open until %(when)s") % {"when": _when(deadline, event)},
                "ok",
            )
    open_types = [tt for tt in ticket_types if tt.opens_at <= now < tt.closes_at]
    if open_types:
        closes = min(tt.closes_at for tt in open_types)
        return state(
            prefix + _("Applications open until %(when)s") % {"when": _when(closes, event)}, "ok"
        )
    lotteries = [tt for tt in ticket_types if tt.is_lottery]
    undrawn = [tt for tt in lotteries if not tt.is_drawn]
    if undrawn:
        first = min(undrawn, key=lambda tt: tt.lottery_at or tt.closes_at)
        if first.closes_at <= now:
            return state(prefix + _("Lottery due: applications have closed"), "warn")
        if first.opens_at > now:
            return state(
                prefix + _("Applications open on %(when)s") % {"when": _when(first.opens_at, event)}
            )
        return state(prefix + _("Lottery at %(when)s") % {"when": _when(first.lottery_at, event)})
    if lotteries:
        return state(prefix + _("Drawn"), "ok")
    upcoming = [tt for tt in ticket_types if tt.opens_at > now]
    if upcoming:
        opens = min(tt.opens_at for tt in upcoming)
        return state(prefix + _("Applications open on %(when)s") % {"when": _when(opens, event)})
    return state(prefix + _("Applications closed"))


def pending_approvals(user, now=None):
    """Applications to approval ticket types of the user's coming events, oldest first."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(
            event__in=organised_events(user),
            event__ends_at__gte=now,
            status=Registration.Status.PENDING,
            ticket_type__allocation=TicketType.Allocation.APPROVAL,
        )
        .select_related("user", "ticket_type", "event")
        .order_by("applied_at", "pk")[:LIST_LIMIT]
    )


def lotteries_due(user, now=None):
    """Undrawn lottery ticket types whose applications closed or whose time is near."""
    now = now or timezone.now()
    return list(
        TicketType.objects.filter(
            event__in=organised_events(user),
            allocation=TicketType.Allocation.LOTTERY,
            drawn_at__isnull=True,
            lottery_at__lte=now + LOTTERY_SOON,
            event__ends_at__gte=now,
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event")
        .order_by("lottery_at", "pk")[:LIST_LIMIT]
    )


def recent_activity(user, limit=ACTIVITY_LIMIT):
    return list(
        AuditLog.objects.filter(event__in=organised_events(user))
        .select_related("actor", "event")
        .order_by("-created_at", "-pk")[:limit]
    )


def home_events(user, now=None):
    """Coming events and those ended in the last 30 days, soonest first."""
    now = now or timezone.now()
    events = (
        organised_events(user)
        .filter(ends_at__gte=now - RECENTLY_ENDED)
        .select_related("community")
        .prefetch_related(Prefetch("ticket_types", queryset=TicketType.objects.order_by()))
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )
    return [event_state(event, now) for event in events]


def home_context(request, now=None) -> dict:
    user = request.user
    now = now or timezone.now()
    if not (user.is_active and user.is_staff):
        return {}
    communities = list(organised_communities(user).order_by("name")[:LIST_LIMIT])
    states = home_events(user, now)
    return {
        "communities": communities,
        "coming": [s for s in states if not s.ended],
        "ended": [s for s in states if s.ended],
        "approvals": pending_approvals(user, now),
        "lotteries_due": lotteries_due(user, now),
        "activity": recent_activity(user),
        "now": now,
    }
