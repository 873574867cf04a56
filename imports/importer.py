"""Import a connpass group's history into a community: events, then each event's presentations.

Each event is written with its talks and links in one transaction, after all of its data has
been read, so an import stopped at any point (bad key, 429 for too long, timeout, malformed
answer) leaves only whole events behind. Running it again updates what is there (keyed on the
source's event id, and on each talk's key within its event) and adds the rest: that is resuming.

Nothing from the source is trusted: descriptions become Markdown that the site sanitises when it
renders any Markdown; links are kept only when they are http(s); sizes are clamped to the fields.
"""

import datetime as dt
import decimal
import hashlib
import re
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from markdownify import markdownify

from events.models import Community, Event
from talks.models import Material, Speaker, Talk, TalkSpeaker, http_url_validator

from .client import ConnpassClient, ImportFailure

PAGE = 100  # the API's largest page
NUMBER = re.compile(r"#\s*(\d{1,6})\b")


class Progress:
    """What the command's progress bar and the back office's run record are told."""

    def started(self, total: int) -> None: ...

    def page_read(self) -> None: ...

    def event_imported(self, event: Event, talks: int) -> None: ...


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    talks: int = 0
    links: int = 0


def import_group(
    client: ConnpassClient,
    subdomain: str,
    *,
    community: Community | None = None,
    owner=None,
    progress: Progress | None = None,
) -> tuple[Community, Summary]:
    """Import the group `subdomain` into `community` (by default the one with that slug,
    created from the group's data when missing). New events are owned by `owner`, by default
    the community's first organiser (connpass clients expect every event to have an owner)."""
    progress = progress or Progress()
    group = _group(client, subdomain)
    if community is None:
        community = _community_for(group, subdomain)
    if owner is None:
        owner = community.organisers.order_by("pk").first()
    base = urlsplit(client.base_url)
    summary = Summary()
    start, total = 1, None
    while total is None or start <= total:
        page = client.get(
            "events/", {"subdomain": subdomain, "order": 2, "start": start, "count": PAGE}
        )
        events = _list(page, "events")
        if total is None:
            total = _int(page.get("results_available"), "results_available")
            progress.started(total)
        progress.page_read()
        if not events:
            break
        for data in events:
            if not isinstance(data, dict):
                raise ImportFailure("Malformed response: an event is not a JSON object.")
            presentations = _presentations(client, _int(data.get("id"), "id"))
            event, created, talks, links = _save_event(community, base, data, presentations, owner)
            summary.created += created
            summary.updated += not created
            summary.talks += talks
            summary.links += links
            progress.event_imported(event, talks)
        start += len(events)
    return community, summary


def _group(client, subdomain):
    groups = _list(client.get("groups/", {"subdomain": subdomain}), "groups")
    for group in groups:
        if isinstance(group, dict) and group.get("subdomain") == subdomain:
            return group
    raise ImportFailure(f"No group '{subdomain}' at {client.base_url}. Check --group.")


def _community_for(group, subdomain):
    community, _created = Community.objects.get_or_create(
        slug=subdomain[:50],
        defaults={
            "name": _text(group.get("title"), 100) or subdomain,
            "catch": _text(group.get("sub_title"), 200),
            "description": _markdown(group.get("description")),
            "website_url": _url(group.get("website_url"), 300),
            "x_username": _text(group.get("twitter_username"), 15),
        },
    )
    return community


def _presentations(client, event_id):
    items, start = [], 1
    while True:
        page = client.get(f"events/{event_id}/presentations/", {"start": start, "count": PAGE})
        batch = _list(page, "presentations")
        items.extend(item for item in batch if isinstance(item, dict))
        start += len(batch)
        if not batch or start > _int(page.get("results_available"), "results_available"):
            return items


# -- Writing one event, atomically.


def _save_event(community, base, data, presentations, owner):
    source = base.netloc
    import_id = _int(data.get("id"), "id")
    starts = _datetime(data.get("started_at"), "started_at")
    ends = _datetime(data.get("ended_at"), "ended_at", default=starts)
    title = _text(data.get("title"), 200) or f"#{import_id}"
    now = timezone.now()
    values = {
        "title": title,
        "catch": _text(data.get("catch"), 200),
        "description": _markdown(data.get("description")),
        "starts_at": starts,
        "ends_at": max(ends, starts),
        "timezone": _zone_name(data.get("timezone"), starts),
        "venue_name": "" if data.get("place") == "Online" else _text(data.get("place"), 200),
        "address": _text(data.get("address"), 300),
        "latitude": _coordinate(data.get("lat"), 90),
        "longitude": _coordinate(data.get("lon"), 180),
        "hashtag": _text(data.get("hash_tag"), 100).lstrip("#"),
        "status": (
            Event.Status.CANCELLED
            if data.get("open_status") == "cancelled"
            else Event.Status.PUBLISHED
        ),
        "import_url": _url(data.get("url"), 500),
        "imported_at": now,
        "imported_limit": _count(data.get("limit")),
        "imported_accepted": _count(data.get("accepted")) or 0,
        "imported_waiting": _count(data.get("waiting")) or 0,
    }
    with transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .filter(import_source=source, import_id=import_id)
            .first()
        )
        created = event is None
        if created:
            event = Event(
                community=community,
                owner=owner,
                import_source=source,
                import_id=import_id,
                published_at=now,
            )
        for name, value in values.items():
            setattr(event, name, value)
        event.number = _free_number(community, event, title)
        event.save()
        talks, links = _save_presentations(event, presentations, base)
    return event, created, talks, links


def _free_number(community, event, title):
    """The number in "#23", unless another event of the community already has it."""
    match = NUMBER.search(title)
    if not match or event.community_id != community.pk:
        return event.number
    number = int(match.group(1))
    taken = Event.objects.filter(community=community, number=number).exclude(pk=event.pk)
    return None if taken.exists() else number


def _save_presentations(event, presentations, base):
    """Slides and videos become talks (one per title and presenter); blog posts, materials."""
    talks: dict[str, dict] = {}
    links = 0
    for item in presentations:
        url = _url(item.get("url"), 500)
        name = _text(item.get("name"), 300) or url
        kind = item.get("presentation_type")
        if not url:
            continue
        if kind == "blog":
            Material.objects.update_or_create(
                event=event,
                url=url,
                defaults={
                    "kind": Material.Kind.BLOG,
                    "title": name[:200],
                    "approved": True,
                    "approved_at": _datetime(item.get("created_at"), "created_at", default=None),
                },
            )
            links += 1
            continue
        presenter = item.get("presenter") if isinstance(item.get("presenter"), dict) else {}
        nickname = _text(presenter.get("nickname"), 100)
        key = hashlib.sha256(f"{name}\n{nickname}".encode()).hexdigest()[:40]
        talk = talks.setdefault(key, {"title": name, "nickname": nickname})
        talk["video_url" if kind == "movie" else "slides_url"] = url
    for position, (key, values) in enumerate(talks.items()):
        talk, _ = Talk.objects.update_or_create(
            event=event,
            import_key=key,
            defaults={
                "title": values["title"],
                "position": position,
                "slides_url": values.get("slides_url", ""),
                "video_url": values.get("video_url", ""),
            },
        )
        if values["nickname"]:
            speaker = _speaker(values["nickname"], base)
            TalkSpeaker.objects.get_or_create(talk=talk, speaker=speaker)
    return len(talks), links


def _speaker(nickname, base):
    """The presenter as a speaker (no account here), linked to their profile at the source:
    connpass.com/user/<nickname>/, or /users/<nickname>/ on a Meetup."""
    path = "user" if base.netloc.endswith("connpass.com") else "users"
    profile = _url(f"{base.scheme}://{base.netloc}/{path}/{nickname}/", 300)
    speaker = Speaker.objects.filter(name=nickname, profile_url=profile, user=None).first()
    return speaker or Speaker.objects.create(name=nickname, profile_url=profile)


# -- Reading values defensively: a malformed answer is a clear failure, odd values are dropped.


def _list(page, key):
    value = page.get(key)
    if not isinstance(value, list):
        raise ImportFailure(f"Malformed response: '{key}' is missing or not a list.")
    return value


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImportFailure(f"Malformed response: '{name}' is not a whole number ({value!r}).")
    return value


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value, limit):
    return value.strip()[:limit] if isinstance(value, str) else ""


def _markdown(value):
    """connpass descriptions are HTML: kept as Markdown, rendered (and sanitised) like any."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return markdownify(value, heading_style="ATX", strip=["script", "style"]).strip()


def _url(value, limit):
    if not isinstance(value, str) or len(value) > limit:
        return ""
    try:
        http_url_validator(value)
    except ValidationError:
        return ""
    return value


def _datetime(value, name, default=...):
    if value in (None, "") and default is not ...:
        return default
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportFailure(f"Malformed response: '{name}' is not a date ({value!r}).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))  # connpass is in Japan
    return moment


def _zone_name(value, starts):
    """The event's zone: given by Meetup's extension field, else guessed from the offset."""
    if isinstance(value, str) and value:
        try:
            zoneinfo.ZoneInfo(value)
            return value
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    offset = starts.utcoffset()
    default = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if starts.astimezone(default).utcoffset() == offset:
        return settings.TIME_ZONE
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and -12 <= hours <= 14:
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # Etc signs are inverted
    return "UTC"


def _coordinate(value, bound):
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = decimal.Decimal(str(value))
        if not number.is_finite() or abs(number) > bound:
            return None
        return number.quantize(decimal.Decimal("0.000001"))
    except (decimal.InvalidOperation, ValueError):
        return None
