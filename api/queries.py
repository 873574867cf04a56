"""Public data for the API: querysets (constant query counts) and their connpass shapes.

Only public data leaves here: published and cancelled events (never drafts), no e-mail
addresses, and participants only where they chose to appear on the participant list.
"""

import datetime as dt
import operator
import zoneinfo
from functools import reduce
from urllib.parse import urlsplit

from django.conf import settings
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
from core.markdown import render_markdown
from events.models import Community, Event, Membership, Registration, TicketType
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


def _count_of(queryset):
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


def _users_named(nicknames):
    return User.objects.filter(_any(Q(nickname__iexact=n) for n in nicknames), is_active=True)


def _local_range(start: dt.date, end: dt.date):
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def _month_range(ym: str):
    year, month = int(ym[:4]), int(ym[4:6])
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return _local_range(first, following)


def _day_range(ymd: str):
    try:
        day = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
    except ValueError:  # 20260230: no such day, so no events
        return _local_range(dt.date(2000, 1, 1), dt.date(2000, 1, 1))
    return _local_range(day, day + dt.timedelta(days=1))


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
    dates = [_month_range(v) for v in ym or []] + [_day_range(v) for v in ymd or []]
    if dates:
        qs = qs.filter(_any(Q(starts_at__gte=a, starts_at__lt=b) for a, b in dates))
    if nickname:
        qs = qs.filter(
            Exists(
                Registration.objects.filter(
                    event=OuterRef("pk"),
                    status__in=PARTICIPANT_STATUSES,
                    show_in_list=True,
                    user__in=_users_named(nickname),
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
    """Absolute URLs for the request's host."""

    def __init__(self, request):
        self.request = request
        self.default_image = request.build_absolute_uri(static(DEFAULT_IMAGE))

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

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


def open_status(event, now=None) -> str:
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return "cancelled"
    if now >= event.ends_at:
        return "close"
    opens, closes = event.api_opens, event.api_closes
    if opens is None or now < opens:
        return "preopen"
    if closes is not None and now < closes:
        return "open"
    return "close"


def _decimal(value) -> str:
    return "" if value is None else format(value, "f")


def event_data(event, urls: Urls, now=None) -> dict:
    tz = event.tzinfo
    community = event.community
    owner = event.owner
    return {
        "id": event.pk,
        "title": event.title,
        "catch": event.catch,
        "description": str(render_markdown(event.description)),
        "url": urls.event(event),
        "image_url": urls.image(event.image),
        "hash_tag": event.hashtag.lstrip("#"),
        "started_at": _local(event.starts_at, tz),
        "ended_at": _local(event.ends_at, tz),
        "limit": event.seats if event.api_opens else None,
        "event_type": "participation",
        "open_status": open_status(event, now),
        "group": {
            "id": community.pk,
            "subdomain": community.slug,
            "title": community.name,
            "url": urls.community(community),
        },
        "address": event.address,
        "place": event.venue_name or ("Online" if event.online_url else ""),
        "lat": _decimal(event.latitude),
        "lon": _decimal(event.longitude),
        "owner_id": owner.pk if owner else 0,
        "owner_nickname": owner.nickname if owner else "",
        "owner_display_name": owner.name if owner else "",
        "accepted": event.accepted,
        "waiting": event.waitlisted + event.pending,
        "updated_at": _local(event.updated_at, tz),
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
                        "user": presenter,
                        "url": url,
                        "name": talk.title,
                        "presenter": presenter,
                        "presentation_type": kind,
                        "created_at": talk.created_at.replace(microsecond=0),
                    }
                )
    materials = (
        Material.objects.filter(event=event, approved=True)
        .select_related("submitted_by", "talk")
        .prefetch_related(Prefetch("talk__talk_speakers", queryset=speakers.queryset))
        .order_by("created_at", "pk")
    )
    for material in materials:
        items.append(
            {
                "user": _user_ref(material.submitted_by),
                "url": material.url,
                "name": material.title,
                "presenter": _presenter(material.talk) if material.talk else None,
                "presentation_type": MATERIAL_TYPES.get(material.kind, "blog"),
                "created_at": (material.approved_at or material.created_at).replace(microsecond=0),
            }
        )
    return items


# -- Groups (communities) and users.


def public_groups() -> QuerySet:
    return (
        Community.objects.annotate(
            api_members=_count_of(Membership.objects.filter(community=OuterRef("pk")))
        )
        .prefetch_related("organisers")
        .order_by("pk")
    )


def group_data(community, urls: Urls) -> dict:
    organisers = [user.name for user in community.organisers.all() if user.is_active]
    website = community.website_url
    return {
        "id": community.pk,
        "subdomain": community.slug,
        "title": community.name,
        "sub_title": community.catch,
        "url": urls.community(community),
        "description": str(render_markdown(community.description)),
        "owner_text": ", ".join(organisers),
        "image_url": urls.image(community.logo),
        "website_url": website,
        "website_name": urlsplit(website).hostname or "" if website else "",
        "twitter_username": community.x_username,
        "facebook_url": "",
        "member_users_count": community.api_members,
    }


def attended_events_of(user) -> QuerySet:
    return public_events().filter(
        Exists(
            Registration.objects.filter(
                event=OuterRef("pk"),
                user=user,
                status=Registration.Status.ACCEPTED,
                show_in_list=True,
            )
        )
    )


def presented_events_of(user) -> QuerySet:
    return public_events().filter(
        Exists(Talk.objects.filter(event=OuterRef("pk"), speakers__user=user))
    )


def public_users() -> QuerySet:
    public = Event.Status.PUBLISHED, Event.Status.CANCELLED
    attended = Registration.objects.filter(
        user=OuterRef("pk"),
        status=Registration.Status.ACCEPTED,
        show_in_list=True,
        event__status__in=public,
    )
    organised = Event.objects.filter(owner=OuterRef("pk"), status__in=public)
    presented = Event.objects.filter(
        status__in=public,
        pk__in=Talk.objects.filter(speakers__user=OuterRef(OuterRef("pk"))).values("event_id"),
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(
            api_attended=_count_of(attended),
            api_organised=_count_of(organised),
            api_presented=_count_of(presented),
        )
        .order_by("pk")
    )


def user_data(user, urls: Urls) -> dict:
    return {
        "id": user.pk,
        "nickname": user.nickname,
        "display_name": user.name,
        "description": user.bio,
        "url": user.website_url,
        "image_url": urls.default_image,
        "created_at": user.date_joined.replace(microsecond=0),
        "attended_event_count": user.api_attended,
        "organize_event_count": user.api_organised,
        "presenter_event_count": user.api_presented,
        "bookmark_event_count": 0,
    }


def groups_of(user) -> QuerySet:
    return public_groups().filter(
        Q(pk__in=Membership.objects.filter(user=user).values("community_id"))
        | Q(pk__in=Community.organisers.through.objects.filter(user=user).values("community_id"))
    )
