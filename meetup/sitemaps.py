"""The sections of /sitemap.xml: events and communities, talks, published reports."""

from django.contrib.sitemaps import Sitemap

from events.models import Event
from events.syndication.sitemaps import CommunitySitemap, EventSitemap
from reports.sitemaps import ReportSitemap
from talks.models import Talk


class TalkSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 5000

    def items(self):
        return (
            Talk.objects.filter(event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
            .order_by("pk")
            .only("pk", "event_id", "updated_at")
        )

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "events": EventSitemap,
    "communities": CommunitySitemap,
    "talks": TalkSitemap,
    "reports": ReportSitemap,
}


def sitemaps_for(request) -> dict:
    """Sitemaps whose URLs use the request's host and scheme, not the Sites framework's row."""
    host = request.get_host()
    sitemaps = {}
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        sitemap.protocol = request.scheme
        sitemap.get_domain = lambda site=None, host=host: host
        sitemaps[name] = sitemap
    return sitemaps
