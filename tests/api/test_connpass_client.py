"""The PyPI client `connpass` 0.2.0 works against Meetup with only its base URL changed.

Its whole public surface: `Connpass(key)`, `get_events` with every `GetEventsQuery` field and
`get_event_presentations` with paging; errors come back as the client's `ValueError`.
"""

import datetime as dt
import sys
import zoneinfo

import pytest

from api import keys
from events.models import Membership
from tests.factories import (
    CommunityFactory,
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        sys.version_info < (3, 12, 2), reason="the connpass client needs Python >= 3.12.2"
    ),
    # pydantic notes the plain int in the client's enum field (see _sends_plain_integers).
    pytest.mark.filterwarnings("ignore:Pydantic serializer warnings"),
]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def connpass(live_server):
    from connpass import Connpass

    _api_key, raw_key = keys.create_key(UserFactory(), "connpass client")
    client = Connpass(raw_key)
    client.request_handler.base_url = f"{live_server.url}/api/v2"
    return client


@pytest.fixture
def owner():
    return UserFactory(nickname="orga", display_name="Orga")


def _ids(response):
    return [event.id for event in response.events]


def test_client_searches_by_keyword(connpass, owner):
    from connpass.models import GetEventsQuery

    docker = EventFactory(title="Docker Meetup Tokyo #23", catch="Containers", owner=owner)
    EventFactory(title="Rust Tokyo", catch="", owner=owner)

    response = connpass.get_events(GetEventsQuery(keyword=["docker", "tokyo"]))

    assert _ids(response) == [docker.pk]
    event = response.events[0]
    assert event.title == "Docker Meetup Tokyo #23"
    assert event.group.subdomain == docker.community.slug
    assert event.started_at == docker.starts_at
    assert event.event_type.value == "participation"
    assert (event.owner_id, event.owner_nickname, event.owner_display_name) == (
        owner.pk,
        "orga",
        "Orga",
    )
    assert event.open_status.value == "preopen"


def test_client_uses_every_event_filter(connpass, owner):
    from connpass.models import GetEventsQuery

    alice = UserFactory(nickname="alice")
    community = CommunityFactory(slug="docker-tokyo", organisers=[owner])
    wanted = EventFactory(
        community=community,
        owner=owner,
        title="Docker night",
        address="東京都渋谷区",
        starts_at=dt.datetime(2027, 4, 12, 19, 0, tzinfo=TOKYO),
    )
    RegistrationFactory(user=alice, ticket_type__event=wanted)
    EventFactory(owner=owner, title="Docker day", address="大阪府大阪市")

    query = GetEventsQuery(
        event_id=[wanted.pk],
        keyword=["docker"],
        keyword_or=["night", "evening"],
        ym=["202704"],
        ymd=["20270412"],
        nickname=["alice"],
        owner_nickname=["orga"],
        group_id=[community.pk],
        subdomain=["docker-tokyo"],
        prefecture=["tokyo"],
        count=100,
        start=1,
    )

    assert _ids(connpass.get_events(query)) == [wanted.pk]


def test_client_searches_by_community_and_month(connpass, owner):
    from connpass.models import GetEventsQuery

    community = CommunityFactory(slug="docker-tokyo")
    april = EventFactory(
        community=community, owner=owner, starts_at=dt.datetime(2026, 4, 12, 19, 0, tzinfo=TOKYO)
    )
    EventFactory(
        community=community, owner=owner, starts_at=dt.datetime(2026, 5, 12, 19, 0, tzinfo=TOKYO)
    )
    EventFactory(owner=owner, starts_at=dt.datetime(2026, 4, 13, 19, 0, tzinfo=TOKYO))

    response = connpass.get_events(GetEventsQuery(subdomain=["docker-tokyo"], ym=["202604"]))

    assert _ids(response) == [april.pk]
    assert response.results_available == 1


def _sends_plain_integers(query):
    """The order as connpass documents it (2), not as the client writes its enum on Python
    3.12+ (``EventOrder.STARTED_AT``): what the client sends once its enum is fixed."""
    return query.model_construct(**{**dict(query), "order": int(query.order)})


def test_client_order_argument_orders_the_results(connpass, owner):
    from connpass.models import EventOrder, GetEventsQuery

    soon = EventFactory(owner=owner, starts_at=dt.datetime(2026, 4, 1, 19, 0, tzinfo=TOKYO))
    later = EventFactory(owner=owner, starts_at=dt.datetime(2026, 6, 1, 19, 0, tzinfo=TOKYO))
    earlier_created = EventFactory(
        owner=owner, starts_at=dt.datetime(2026, 5, 1, 19, 0, tzinfo=TOKYO)
    )

    by_start = _sends_plain_integers(GetEventsQuery(order=EventOrder.STARTED_AT))
    newest = _sends_plain_integers(GetEventsQuery(order=EventOrder.CREATED_AT))

    assert _ids(connpass.get_events(by_start)) == [later.pk, earlier_created.pk, soon.pk]
    assert _ids(connpass.get_events(newest)) == [earlier_created.pk, later.pk, soon.pk]


def test_client_enum_order_is_refused_with_a_400_naming_order(connpass, live_server):
    """connpass 0.2.0 on Python 3.12+ sends ``order=EventOrder.STARTED_AT``: a clear 400, not a
    silently wrong order."""
    import requests
    from connpass.models import EventOrder, GetEventsQuery

    with pytest.raises(ValueError, match="400"):
        connpass.get_events(GetEventsQuery(order=EventOrder.STARTED_AT))
    response = requests.get(
        f"{live_server.url}/api/v2/events/",
        params={"order": str(EventOrder.STARTED_AT)},
        headers={"X-API-Key": connpass.api_key},
        timeout=10,
    )
    assert (response.status_code, response.json()["parameter"]) == (400, "order")


def test_client_pages_through_results(connpass, owner):
    from connpass.models import EventOrder, GetEventsQuery

    events = [EventFactory(owner=owner) for _ in range(5)]

    pages = [
        connpass.get_events(
            _sends_plain_integers(GetEventsQuery(order=EventOrder.CREATED_AT, count=2, start=s))
        )
        for s in (1, 3, 5)
    ]

    seen = [e.id for page in pages for e in page.events]
    assert seen == [event.pk for event in reversed(events)]
    assert (pages[0].results_available, pages[2].results_returned, pages[2].results_start) == (
        5,
        1,
        5,
    )


def test_client_reads_presentations_with_paging(connpass, owner):
    from connpass.models import GetEventPresentationsQuery

    speaker = UserFactory(nickname="speaker")
    event = EventFactory(owner=owner)
    TalkFactory(
        event=event,
        title="BuildKit",
        slides_url="https://speakerdeck.com/s/buildkit",
        speakers=[SpeakerFactory(user=speaker)],
    )
    MaterialFactory(event=event, title="Blog", url="https://blog.example.com/p/1")

    response = connpass.get_event_presentations(event.pk, GetEventPresentationsQuery(count=10))
    second = connpass.get_event_presentations(
        event.pk, GetEventPresentationsQuery(count=1, start=2)
    )

    assert [(p.name, p.presentation_type.value) for p in response.presentations] == [
        ("BuildKit", "slide"),
        ("Blog", "blog"),
    ]
    assert response.presentations[0].presenter.nickname == "speaker"
    assert response.presentations[0].user.nickname == "speaker"
    assert response.presentations[0].created_at.utcoffset() == dt.timedelta(hours=9)
    assert [p.name for p in second.presentations] == ["Blog"]
    assert connpass.get_event_presentations(event.pk).results_available == 2


def test_client_reads_events_without_query(connpass, owner):
    member = UserFactory()
    event = EventFactory(owner=owner)
    Membership.objects.create(community=event.community, user=member)

    assert _ids(connpass.get_events()) == [event.pk]


def test_client_reports_a_bad_key_as_error(live_server):
    from connpass import Connpass

    client = Connpass("mk_wrong")
    client.request_handler.base_url = f"{live_server.url}/api/v2"

    with pytest.raises(ValueError, match="401"):
        client.get_events()


def test_client_reports_an_unknown_event_as_error(connpass):
    with pytest.raises(ValueError, match="404"):
        connpass.get_event_presentations(999_999)
