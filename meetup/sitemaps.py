"""The sections of /sitemap.xml: events and communities, talks, published reports."""

from django.contrib.sitemaps import Sitemap

from core.siteurl import site_origin
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
    """Sitemaps whose URLs are on the public site (core/siteurl.py), not the Sites row."""
    scheme, _, host = site_origin(request).partition("://")
    sitemaps = {}
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        sitemap.protocol = scheme
        sitemap.get_domain = lambda site=None, host=host: host
        sitemaps[name] = sitemap
    return sitemaps
