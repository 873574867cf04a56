import xml.etree.ElementTree as ET

import pytest

from events.models import Event
from reports.models import Report
from tests.factories import CommunityFactory, EventFactory, ReportFactory, TalkFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return sorted(loc.text for loc in root.findall("s:url/s:loc", NS))


def test_sitemap_lists_public_events_communities_talks_and_reports(client):
    community = CommunityFactory(slug="docker-tokyo")
    event = EventFactory(community=community)
    talk = TalkFactory(event=event)
    ReportFactory(event=event)
    draft = EventFactory(community=community, status=Event.Status.DRAFT)
    TalkFactory(event=draft)
    unreported = EventFactory(community=community)
    ReportFactory(event=unreported, status=Report.Status.DRAFT)

    urls = locations(client.get("/sitemap.xml"))

    base = "http://testserver"
    assert urls == sorted(
        [
            f"{base}/communities/docker-tokyo/",
            f"{base}/events/{event.pk}/",
            f"{base}/events/{unreported.pk}/",
            f"{base}/events/{event.pk}/talks/{talk.pk}/",
            f"{base}/reports/{event.pk}/",
        ]
    )


def test_sitemap_uses_the_request_host(client):
    EventFactory()

    urls = locations(client.get("/sitemap.xml", HTTP_HOST="localhost"))

    assert all(url.startswith("http://localhost/") for url in urls)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text
