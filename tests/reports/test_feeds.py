import datetime as dt

import feedparser
import pytest
from django.utils import timezone

from reports.models import Report
from tests.factories import CommunityFactory, EventFactory, ReportFactory

pytestmark = pytest.mark.django_db


def past_event(community, days):
    start = timezone.now() - dt.timedelta(days=days)
    return EventFactory(community=community, starts_at=start, ends_at=start + dt.timedelta(hours=3))


@pytest.fixture
def reports():
    tokyo = CommunityFactory(slug="tokyo", name="Tokyo")
    osaka = CommunityFactory(slug="osaka", name="Osaka")
    now = timezone.now()
    return {
        "old": ReportFactory(
            title="Tokyo #1 report",
            event=past_event(tokyo, 30),
            published_at=now - dt.timedelta(days=20),
        ),
        "new": ReportFactory(
            title="Osaka #1 report",
            lead="<b>A full room</b>",
            body="## Thanks\n\n<script>alert(1)</script>",
            event=past_event(osaka, 10),
            published_at=now - dt.timedelta(days=5),
        ),
        "draft": ReportFactory(
            title="Draft report", event=past_event(tokyo, 3), status=Report.Status.DRAFT
        ),
    }


def test_reports_feed_parses_and_lists_published_reports_newest_first(client, reports):
    response = client.get("/feeds/reports.atom")

    feed = feedparser.parse(response.content)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Osaka #1 report", "Tokyo #1 report"]
    assert feed.entries[0].link == f"http://testserver/reports/{reports['new'].event_id}/"


def test_reports_feed_entry_content_is_escaped_and_sanitised(client, reports):
    feed = feedparser.parse(client.get("/feeds/reports.atom").content)

    summary = feed.entries[0].summary
    assert "<p>&lt;b&gt;A full room&lt;/b&gt;</p>" in summary
    assert "<h2>Thanks</h2>" in summary
    assert "<script>" not in summary


def test_community_reports_feed_lists_only_that_community(client, reports):
    feed = feedparser.parse(client.get("/communities/tokyo/reports.atom").content)

    assert feed.bozo == 0
    assert feed.feed.title == "Tokyo: event reports"
    assert [entry.title for entry in feed.entries] == ["Tokyo #1 report"]


def test_community_reports_feed_of_an_unknown_community_is_404(client):
    response = client.get("/communities/nowhere/reports.atom")

    assert response.status_code == 404


def test_report_sitemap_lists_only_published_reports(reports):
    from reports.sitemaps import ReportSitemap

    sitemap = ReportSitemap()

    assert [sitemap.location(item) for item in sitemap.items()] == [
        f"/reports/{reports['new'].event_id}/",
        f"/reports/{reports['old'].event_id}/",
    ]
