"""The next event in one click: copy a community's latest event into a numbered draft.

    next_event(community, starts_on=date, by=user)   # a draft "#25" from "#24", or CopyError

Why here, in the back office and not in events/registration: copying writes configuration
(an event and its ticket types), never a seat, a registration or a published lottery record.
Only organisers run it, from the home and the event list, next to the forms that call it.

What is copied: the venue, the address and map position, the online URL, the description,
the catch line, the hashtag, the time zone and every ticket type (name, description, seats,
allocation, weighting, order). Every date moves by the same number of days, so the new event
starts on the picked day at the same local time. Each lottery ticket type gets a NEW secret
seed and commitment (TicketType.save): a seed is never reused. Not copied: registrations,
talks, the report, the draw record, the self check-in code, the image.

A question list (issue 19) is copied by `copy_questions(from_event, to_event)` when the events
app provides one; until then the hook finds nothing and does nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events.audit import log
from events.models import Community, Event, TicketType

#: Where the questionnaire's copy function may live (the first found is used).
COPY_QUESTIONS_MODULES = ("events.questions", "events.questionnaire", "events.models")
#: Ticket type times moved with the event.
TICKET_TYPE_TIMES = (
    "opens_at",
    "closes_at",
    "lottery_at",
    "moveup_cutoff_at",
    "reconfirm_opens_at",
    "reconfirm_deadline_at",
)
#: Event fields copied as they are.
EVENT_FIELDS = (
    "title",
    "catch",
    "description",
    "timezone",
    "venue_name",
    "address",
    "latitude",
    "longitude",
    "online_url",
    "hashtag",
)
#: Ticket type fields copied as they are (never the seed, the commitment or the draw).
TICKET_TYPE_FIELDS = ("name", "description", "capacity", "allocation", "position", "weighting")


class CopyError(Exception):
    """Why the copy was refused (a sentence for the form). Nothing was created."""


def latest_event(community: Community) -> Event | None:
    return (
        Event.objects.filter(community=community)
        .order_by("-starts_at", "-pk")
        .prefetch_related("ticket_types")
        .first()
    )


def find_copy_questions():
    """The questionnaire's `copy_questions(from_event, to_event)`, or None while there is none."""
    for name in COPY_QUESTIONS_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "copy_questions", None)
        if callable(function):
            return function
    return None


def next_number_and_title(source: Event) -> tuple[int | None, str]:
    top = Event.objects.filter(community_id=source.community_id).aggregate(n=Max("number"))["n"]
    if top is None:
        return None, source.title
    number = top + 1
    title = source.title
    if source.number is not None and f"#{source.number}" in title:
        title = re.sub(rf"#{source.number}\b", f"#{number}", title, count=1)
    return number, title


def shifted_times(source: Event, starts_on: dt.date):
    """A function moving a moment by the whole days between the source's start and the picked
    day, on the wall clock of the event's time zone (a summer-time change keeps 19:00 at 19:00)."""
    tz = source.tzinfo
    old_start = timezone.localtime(source.starts_at, tz)
    days = dt.timedelta(days=(starts_on - old_start.date()).days)

    def shift(value):
        if value is None:
            return None
        local = timezone.localtime(value, tz).replace(tzinfo=None) + days
        return timezone.make_aware(local, tz)

    return shift


def next_event(community: Community, *, starts_on: dt.date, by, now=None) -> Event:
    """A draft copy of the community's latest event, starting on `starts_on`."""
    now = now or timezone.now()
    source = latest_event(community)
    if source is None:
        raise CopyError(_("This community has no event to copy yet; create the first one."))
    shift = shifted_times(source, starts_on)
    starts_at = shift(source.starts_at)
    if starts_at <= now:
        raise CopyError(
            _("The new event would start in the past (%(when)s); pick a later day.")
            % {"when": timezone.localtime(starts_at, source.tzinfo).strftime("%Y-%m-%d %H:%M")}
        )
    ticket_types = []
    for old in source.ticket_types.all():
        tt = TicketType(**{name: getattr(old, name) for name in TICKET_TYPE_FIELDS})
        for name in TICKET_TYPE_TIMES:
            setattr(tt, name, shift(getattr(old, name)))
        if tt.closes_at <= now or (tt.lottery_at and tt.lottery_at <= now):
            raise CopyError(
                _(
                    "Applications for “%(name)s” would close in the past; pick a later day "
                    "or change the ticket type after copying."
                )
                % {"name": old.name}
            )
        # Opening in the past only means "open as soon as it is published".
        tt.opens_at = max(tt.opens_at, now)
        ticket_types.append(tt)
    number, title = next_number_and_title(source)
    with transaction.atomic():
        event = Event.objects.create(
            community=community,
            number=number,
            status=Event.Status.DRAFT,
            starts_at=starts_at,
            ends_at=shift(source.ends_at),
            owner=by if getattr(by, "pk", None) else None,
            **{name: getattr(source, name) for name in EVENT_FIELDS if name != "title"},
            title=title,
        )
        for tt in ticket_types:
            tt.event = event
            tt.save()  # a lottery type gets its own new seed and commitment here
        copy_questions = find_copy_questions()
        if copy_questions is not None:
            copy_questions(source, event)
        log(event, by, "event.copy", event, source=source.pk)
    return event
