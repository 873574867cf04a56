"""Atom feeds of published reports: all communities, and one community.

Links are built from the request's host (not the Sites framework's domain), so the feed is
right on whatever host serves it. The request travels inside the feed object, because Feed
instances are shared between threads.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from events.models import Community
from events.syndication.feeds import FeedScope

from .models import Report

FEED_SIZE = 30


def _published():
    return (
        Report.objects.filter(status=Report.Status.PUBLISHED)
        .select_related("event__community")
        .order_by("-published_at", "-pk")
    )


class LatestReportsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request)

    def title(self, obj):
        return _("Meetup: event reports")

    def subtitle(self, obj):
        return _("Reports of past events, newest first.")

    def link(self, obj):
        return obj.absolute(reverse("reports:report_list"))

    def feed_url(self, obj):
        return obj.absolute(obj.request.path)

    def reports(self, obj):
        return _published()

    def items(self, obj):
        reports = list(self.reports(obj)[:FEED_SIZE])
        for report in reports:
            report.absolute_url = obj.absolute(report.get_absolute_url())
        return reports

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [format_html("<p>{}</p>", line) for line in [item.lead, item.lead_en] if line]
        return "".join(parts) + item.body_html

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.event.community.name

    def item_categories(self, item):
        return [item.event.community.name]


class CommunityReportsFeed(LatestReportsFeed):
    def get_object(self, request, slug):
        return FeedScope(request, get_object_or_404(Community, slug=slug))

    def title(self, obj):
        return _("%(community)s: event reports") % {"community": obj.community.name}

    def link(self, obj):
        return obj.absolute(reverse("reports:report_list") + f"?community={obj.community.slug}")

    def reports(self, obj):
        return _published().filter(event__community=obj.community)
