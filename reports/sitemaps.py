"""Sitemap entries for published reports (included in /sitemap.xml by the meetup app)."""

from django.contrib.sitemaps import Sitemap

from .models import Report


class ReportSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Report.objects.filter(status=Report.Status.PUBLISHED).order_by(
            "-published_at", "-pk"
        )

    def lastmod(self, item):
        return item.updated_at

    def location(self, item):
        return item.get_absolute_url()
