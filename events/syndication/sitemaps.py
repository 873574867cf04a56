"""Sitemap sections for events and communities (wired at /sitemap.xml in meetup.urls)."""

from django.contrib.sitemaps import Sitemap

from events.models import Community, Event


class EventSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Event.objects.published()
            .order_by("-starts_at", "-pk")
            .only("pk", "updated_at", "starts_at")
        )

    def lastmod(self, item):
        return item.updated_at


class CommunitySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Community.objects.order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
