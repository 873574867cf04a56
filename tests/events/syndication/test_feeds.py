import feedparser
import pytest

from events.models import Event
from tests.factories import CommunityFactory, EventFactory

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo is False, feed.bozo_exception
    return feed


def test_events_feed_lists_published_events_newest_first(client):
    older = EventFactory(title="Older")
    newer = EventFactory(title="Newer", description="**Bold** plans")
    EventFactory(status=Event.Status.DRAFT, title="Draft")

    feed = parse(client.get("/feeds/events.atom"))

    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    assert feed.entries[0].link == f"http://testserver/events/{newer.pk}/"
    assert feed.entries[1].id == f"http://testserver/events/{older.pk}/"
    assert "<strong>Bold</strong>" in feed.entries[0].summary


def test_events_feed_marks_cancelled_events(client):
    EventFactory(title="Gone", status=Event.Status.CANCELLED)

    feed = parse(client.get("/feeds/events.atom"))

    assert [entry.title for entry in feed.entries] == ["[Cancelled] Gone"]


def test_community_feed_lists_only_its_events(client):
    community = CommunityFactory(slug="docker-tokyo", name="Docker Meetup Tokyo")
    EventFactory(community=community, title="Ours")
    EventFactory(title="Theirs")

    feed = parse(client.get("/communities/docker-tokyo/events.atom", HTTP_ACCEPT_LANGUAGE="en"))

    assert feed.feed.title == "New events of Docker Meetup Tokyo"
    assert feed.feed.link == "http://testserver/communities/docker-tokyo/"
    assert [entry.title for entry in feed.entries] == ["Ours"]


def test_community_feed_of_unknown_community_is_404(client):
    assert client.get("/communities/nope/events.atom").status_code == 404


def test_pages_advertise_the_feeds(client):
    event = EventFactory(community=CommunityFactory(slug="docker-tokyo"))

    home = client.get("/")
    community = client.get("/communities/docker-tokyo/")
    event_page = client.get(f"/events/{event.pk}/")

    assert 'rel="alternate" type="application/atom+xml" href="/feeds/events.atom"' in home.text
    for page in (community, event_page):
        assert 'href="/communities/docker-tokyo/events.atom"' in page.text
