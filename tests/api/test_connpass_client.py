"""The PyPI client `connpass` 0.2.0 works against Meetup with only its base URL changed."""

import datetime as dt
import sys
import zoneinfo

import pytest

from api import keys
from tests.factories import (
    CommunityFactory,
    EventFactory,
    MaterialFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        sys.version_info < (3, 12, 2), reason="the connpass client needs Python >= 3.12.2"
    ),
]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def connpass(live_server):
    from connpass import Connpass

    _api_key, raw_key = keys.create_key(UserFactory(), "connpass client")
    client = Connpass(raw_key)
    client.request_handler.base_url = f"{live_server.url}/api/v2"
    return client


def test_client_searches_by_keyword(connpass):
    from connpass.models import GetEventsQuery

    docker = EventFactory(title="Docker Meetup Tokyo #23", catch="Containers")
    EventFactory(title="Rust Tokyo", catch="")

    response = connpass.get_events(GetEventsQuery(keyword=["docker", "tokyo"]))

    assert [event.id for event in response.events] == [docker.pk]
    event = response.events[0]
    assert event.title == "Docker Meetup Tokyo #23"
    assert event.group.subdomain == docker.community.slug
    assert event.started_at == docker.starts_at
    assert event.event_type.value == "participation"


def test_client_searches_by_community_and_month(connpass):
    from connpass.models import GetEventsQuery

    community = CommunityFactory(slug="docker-tokyo")
    april = EventFactory(
        community=community, starts_at=dt.datetime(2026, 4, 12, 19, 0, tzinfo=TOKYO)
    )
    EventFactory(community=community, starts_at=dt.datetime(2026, 5, 12, 19, 0, tzinfo=TOKYO))
    EventFactory(starts_at=dt.datetime(2026, 4, 13, 19, 0, tzinfo=TOKYO))

    response = connpass.get_events(GetEventsQuery(subdomain=["docker-tokyo"], ym=["202604"]))

    assert [event.id for event in response.events] == [april.pk]
    assert response.results_available == 1


def test_client_pages_through_results(connpass):
    from connpass.models import EventOrder, GetEventsQuery

    events = [EventFactory() for _ in range(5)]

    first = connpass.get_events(GetEventsQuery(order=EventOrder.CREATED_AT, count=2, start=1))
    second = connpass.get_events(GetEventsQuery(order=EventOrder.CREATED_AT, count=2, start=3))
    third = connpass.get_events(GetEventsQuery(order=EventOrder.CREATED_AT, count=2, start=5))

    seen = [e.id for page in (first, second, third) for e in page.events]
    assert seen == [event.pk for event in reversed(events)]
    assert (first.results_available, third.results_returned, third.results_start) == (5, 1, 5)


def test_client_reads_presentations(connpass):
    from connpass.models import GetEventPresentationsQuery

    speaker = UserFactory(nickname="speaker")
    event = EventFactory()
    TalkFactory(
        event=event,
        title="BuildKit",
        slides_url="https://speakerdeck.com/s/buildkit",
        speakers=[SpeakerFactory(user=speaker)],
    )
    MaterialFactory(event=event, title="Blog", url="https://blog.example.com/p/1")

    response = connpass.get_event_presentations(event.pk, GetEventPresentationsQuery(count=10))

    assert [(p.name, p.presentation_type.value) for p in response.presentations] == [
        ("BuildKit", "slide"),
        ("Blog", "blog"),
    ]
    assert response.presentations[0].presenter.nickname == "speaker"


def test_client_reports_a_bad_key_as_error(live_server):
    from connpass import Connpass

    client = Connpass("mk_wrong")
    client.request_handler.base_url = f"{live_server.url}/api/v2"

    with pytest.raises(ValueError, match="401"):
        client.get_events()
