"""Atom feeds of newly published events: the whole site, and one community.

Links are made absolute on MEETUP_SITE_URL (core/siteurl.py), not the Sites framework.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.siteurl import site_url
from events import queries
from events.models import Community, Event

FEED_SIZE = 30


@dataclass(frozen=True)
class FeedScope:
    """What one feed request covers: the whole site or one community. The request travels
    inside it because Feed instances are shared between threads. The reports feeds use it too."""

    request: object
    community: Community | None = None

    def absolute(self, path: str) -> str:
        return site_url(path, self.request)


class EventsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request)

    def title(self, obj):
        return _("New events on Meetup")

    def subtitle(self, obj):
        return _("Events as they are announced.")

    def link(self, obj):
        return obj.absolute("/events/")

    def feed_url(self, obj):
        return site_url(obj.request.get_full_path(), obj.request)

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def events(self, obj):
        return queries.events_with_figures(Event.objects.published())

    def items(self, obj):
        items = list(self.events(obj).order_by("-published_at", "-created_at", "-pk")[:FEED_SIZE])
        for event in items:
            event.feed_link = obj.absolute(event.get_absolute_url())
        return items

    def item_title(self, item):
        prefix = _("[Cancelled] ") if item.is_cancelled else ""
        return f"{prefix}{item.title}"

    def item_description(self, item):
        when = item.starts_at.astimezone(item.tzinfo).strftime("%Y-%m-%d %H:%M")
        where = item.venue_name or (_("Online") if item.online_url else "")
        lines = [f"<p><strong>{escape(when)}</strong>{' · ' + escape(where) if where else ''}</p>"]
        if item.catch:
            lines.append(f"<p>{escape(item.catch)}</p>")
        if item.seats:
            seats = _("%(applicants)s applied / %(seats)s seats") % {
                "applicants": item.applicants,
                "seats": item.seats,
            }
            lines.append(f"<p>{escape(seats)}</p>")
        lines.append(item.description_html)
        return "\n".join(lines)

    def item_link(self, item):
        return item.feed_link

    def item_guid(self, item):
        return item.feed_link

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.community.name

    def item_categories(self, item):
        return [item.community.name]


class CommunityEventsFeed(EventsFeed):
    def get_object(self, request, slug):
        return FeedScope(request, get_object_or_404(Community, slug=slug))

    def title(self, obj):
        return _("New events of %(community)s") % {"community": obj.community.name}

    def subtitle(self, obj):
        return obj.community.catch or _("Events as they are announced.")

    def link(self, obj):
        return obj.absolute(obj.community.get_absolute_url())

    def events(self, obj):
        return super().events(obj).filter(community=obj.community)
