"""Public data for the API: querysets (constant query counts) and their connpass shapes.

Only public data leaves here: published and cancelled events (never drafts), no e-mail
addresses, and participants only where they chose to appear on the participant list.
"""

import datetime as dt
import operator
from functools import reduce

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.templatetags.static import static
from django.utils import timezone

from accounts.models import User
from core.siteurl import site_url
from events.models import Community, Event, Registration, TicketType
from events.queries import events_with_figures
from talks.models import Material, Talk, TalkSpeaker

from .params import PREFECTURES

DEFAULT_IMAGE = "img/api-default.png"
ORDERINGS = {
    1: ("-updated_at", "-pk"),
    2: ("-starts_at", "-pk"),
    3: ("-created_at", "-pk"),
}
PARTICIPANT_STATUSES = list(Registration.LIVE_STATUSES)


def _scalar(queryset, aggregate, output_field):
    """A correlated aggregate subquery: no GROUP BY over joins, so counts never multiply."""
    return Subquery(
        queryset.order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(value=aggregate)
        .values("value")[:1],
        output_field=output_field,
    )


def count_of(queryset):
    return Coalesce(_scalar(queryset, Count("pk"), IntegerField()), Value(0))


def public_events() -> QuerySet:
    """Public events with the figures of events.queries (the one definition): connpass's
    `accepted` is our accepted, its `waiting` our waitlisted + pending, its `limit` our seats."""
    tickets = TicketType.objects.filter(event=OuterRef("pk"))
    return (
        events_with_figures(Event.objects.published())
        .select_related("owner")
        .annotate(
            api_opens=_scalar(tickets, Min("opens_at"), DateTimeField()),
            api_closes=_scalar(tickets, Max("closes_at"), DateTimeField()),
        )
    )


def _any(lookups):
    return reduce(operator.or_, lookups)


def named(queryset, nicknames):
    """Nicknames match case-insensitively, as everywhere in the API."""
    return queryset.filter(_any(Q(nickname__iexact=n) for n in nicknames))


def _users_named(nicknames):
    return named(User.objects.filter(is_active=True), nicknames)


def _month_range(ym: str) -> tuple[dt.date, dt.date]:
    year, month = int(ym[:4]), int(ym[4:6])
    return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1)


def _day_range(ymd: str) -> tuple[dt.date, dt.date] | None:
    try:
        day = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
    except ValueError:  # 20260230: no such day, so no events
        return None
    return day, day + dt.timedelta(days=1)


def _local_dates_q(ranges) -> Q:
    """Events starting on these dates in their own time zone, the zone started_at is written in.

    One range per zone in use (a handful): each stays an index range scan on starts_at.
    """
    zones = Event.objects.order_by().values_list("timezone", flat=True).distinct()
    q = Q(pk__in=[])
    for name in zones:
        tz = Event(timezone=name).tzinfo
        for first, following in ranges:
            q |= Q(
                timezone=name,
                starts_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=tz),
                starts_at__lt=dt.datetime.combine(following, dt.time.min, tzinfo=tz),
            )
    return q


def _keyword_q(word: str) -> Q:
    return (
        Q(title__icontains=word)
        | Q(catch__icontains=word)
        | Q(description__icontains=word)
        | Q(address__icontains=word)
        | Q(venue_name__icontains=word)
    )


def _prefecture_q(name: str) -> Q:
    if name == "online":
        return ~Q(online_url="") & Q(venue_name="")
    return Q(address__icontains=PREFECTURES[name]) | Q(address__icontains=name)


def search_events(
    *,
    event_id=None,
    keyword=None,
    keyword_or=None,
    ym=None,
    ymd=None,
    nickname=None,
    owner_nickname=None,
    group_id=None,
    subdomain=None,
    prefecture=None,
    order=1,
) -> QuerySet:
    qs = public_events()
    if event_id:
        qs = qs.filter(pk__in=event_id)
    for word in keyword or []:
        qs = qs.filter(_keyword_q(word))
    if keyword_or:
        qs = qs.filter(_any(_keyword_q(word) for word in keyword_or))
    if ym or ymd:
        days = (_day_range(v) for v in ymd or [])
        ranges = [_month_range(v) for v in ym or []] + [r for r in days if r]
        qs = qs.filter(_local_dates_q(ranges))
    if nickname:
        qs = qs.filter(
            Exists(
                Registration.objects.filter(
                    event=OuterRef("pk"),
                    status__in=PARTICIPANT_STATUSES,
                    show_in_list=True,
                    user__in=_users_named(nickname).filter(profile_hidden=False),
                )
            )
        )
    if owner_nickname:
        owners = _users_named(owner_nickname)
        qs = qs.filter(
            Q(owner__in=owners)
            | Exists(
                Community.organisers.through.objects.filter(
                    community_id=OuterRef("community_id"), user__in=owners
                )
            )
        )
    if group_id:
        qs = qs.filter(community_id__in=group_id)
    if subdomain:
        qs = qs.filter(community__slug__in=subdomain)
    if prefecture:
        qs = qs.filter(_any(_prefecture_q(name) for name in prefecture))
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS[1]))


class Urls:
    """Absolute URLs on the public site (MEETUP_SITE_URL, else the request's origin)."""

    def __init__(self, request):
        self.request = request
        self.default_image = site_url(static(DEFAULT_IMAGE), request)

    def absolute(self, path: str) -> str:
        return site_url(path, self.request)

    def event(self, event) -> str:
        return self.absolute(f"/events/{event.pk}/")

    def community(self, community) -> str:
        return self.absolute(f"/communities/{community.slug}/")

    def image(self, field) -> str:
        if field:
            try:
                return self.absolute(field.url)
            except ValueError:
                pass
        return self.default_image


def _local(value: dt.datetime, tz) -> dt.datetime:
    return value.astimezone(tz).replace(microsecond=0)


def site_local(value: dt.datetime) -> dt.datetime:
    """Times not tied to an event (users') in the site's zone, Asia/Tokyo unless configured."""
    return _local(value, timezone.get_default_timezone())


def open_status(event, now=None) -> str:
    """As connpass defines it: by the event's time, not by its registration window."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return "cancelled"
    if now < event.starts_at:
        return "preopen"
    if now < event.ends_at:
        return "open"
    return "close"


def application_status(event, now=None) -> str:
    """Extension: the registration window (earliest opening to latest closing ticket type)."""
    now = now or timezone.now()
    opens, closes = event.api_opens, event.api_closes
    if event.status == Event.Status.CANCELLED or now >= event.ends_at:
        return "close"
    if opens is None and event.imported_at is not None:
        return "close"  # imported: applications were taken at the source
    if opens is None or now < opens:
        return "preopen"
    if closes is not None and now < closes:
        return "open"
    return "close"


def _decimal(value) -> str | None:
    return None if value is None else format(value, "f")


def _figure(imported, live):
    """An imported event keeps its historical figure until it has registrations here."""
    return imported if imported is not None and not live else live


def event_data(event, urls: Urls, now=None) -> dict:
    tz = event.tzinfo
    community = event.community
    owner = event.owner
    return {
        "id": event.pk,
        "title": event.title,
        "catch": event.catch,
        "description": event.description_html,
        "url": urls.event(event),
        "image_url": urls.image(event.image),
        "hash_tag": event.hashtag.lstrip("#"),
        "started_at": _local(event.starts_at, tz),
        "ended_at": _local(event.ends_at, tz),
        "limit": _figure(event.imported_limit, event.seats if event.api_opens else None),
        "event_type": "participation",
        "open_status": open_status(event, now),
        "group": {
            "id": community.pk,
            "subdomain": community.slug,
            "title": community.name,
            "url": urls.community(community),
        },
        "address": event.address or None,
        "place": event.venue_name or ("Online" if event.online_url else None),
        "lat": _decimal(event.latitude),
        "lon": _decimal(event.longitude),
        "owner_id": owner.pk if owner else None,
        "owner_nickname": owner.nickname if owner else None,
        "owner_display_name": owner.name if owner else None,
        "accepted": _figure(event.imported_accepted, event.accepted),
        "waiting": _figure(event.imported_waiting, event.waitlisted + event.pending),
        "updated_at": _local(event.updated_at, tz),
        # Extensions (not in connpass): the zone of the times above and the registration window.
        "timezone": event.timezone,
        "application_status": application_status(event, now),
        "application_opens_at": event.api_opens and _local(event.api_opens, tz),
        "application_closes_at": event.api_closes and _local(event.api_closes, tz),
    }


# -- Presentations: talks' slides and videos, then approved materials.

MATERIAL_TYPES = {
    Material.Kind.SLIDES: "slide",
    Material.Kind.VIDEO: "movie",
}


def _user_ref(user):
    return {"id": user.pk, "nickname": user.nickname} if user and user.is_active else None


def _presenter(talk):
    for talk_speaker in talk.talk_speakers.all():
        if talk_speaker.speaker.user_id:
            return _user_ref(talk_speaker.speaker.user)
    return None


def event_presentations(event) -> list[dict]:
    """connpass requires ``user`` (who posted it): the submitter, else the speaker when a member,
    else the event's owner who entered it; null only when none of them has an account here.
    ``created_at`` is written in the event's time zone."""
    tz = event.tzinfo
    owner = _user_ref(event.owner)
    speakers = Prefetch(
        "talk_speakers", queryset=TalkSpeaker.objects.select_related("speaker__user")
    )
    talks = Talk.objects.filter(event=event).prefetch_related(speakers).order_by("position", "pk")
    items = []
    for talk in talks:
        presenter = _presenter(talk)
        for url, kind in ((talk.slides_url, "slide"), (talk.video_url, "movie")):
            if url:
                items.append(
                    {
                        "user": presenter or owner,
                        "url": url,
                        "name": talk.title,
                        "presenter": presenter,
                        "presentation_type": kind,
                        "created_at": _local(talk.created_at, tz),
                    }
                )
    materials = (
        Material.objects.filter(event=event, approved=True)
        .select_related("submitted_by", "talk")
        .prefetch_related(Prefetch("talk__talk_speakers", queryset=speakers.queryset))
        .order_by("created_at", "pk")
    )
    for material in materials:
        presenter = _presenter(material.talk) if material.talk else None
        items.append(
            {
                "user": _user_ref(material.submitted_by) or presenter or owner,
                "url": material.url,
                "name": material.title,
                "presenter": presenter,
                "presentation_type": MATERIAL_TYPES.get(material.kind, "blog"),
                "created_at": _local(material.approved_at or material.created_at, tz),
            }
        )
    return items
