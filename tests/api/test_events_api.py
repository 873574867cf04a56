import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from events.models import Event, Registration
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
EVENT_FIELDS = [
    "id", "title", "catch", "description", "url", "image_url", "hash_tag", "started_at",
    "ended_at", "limit", "event_type", "open_status", "group", "address", "place", "lat", "lon",
    "owner_id", "owner_nickname", "owner_display_name", "accepted", "waiting", "updated_at",
    "timezone", "application_status", "application_opens_at", "application_closes_at",
]  # fmt: skip
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def ids(payload):
    return [event["id"] for event in payload["events"]]


def test_events_envelope_and_fields_match_connpass(api):
    owner = UserFactory(nickname="hamako", display_name="濱田")
    community = CommunityFactory(slug="docker-tokyo", name="Docker Meetup Tokyo")
    event = EventFactory(
        community=community,
        owner=owner,
        title="Docker Meetup Tokyo #23",
        catch="Containers",
        description="**Hello**",
        starts_at=dt.datetime(2026, 4, 12, 19, 0, tzinfo=TOKYO),
        ends_at=dt.datetime(2026, 4, 12, 21, 30, tzinfo=TOKYO),
        hashtag="dockertokyo",
        venue_name="Example Hall",
        address="東京都渋谷区1-1-1",
    )

    payload = api("/api/v2/events/")

    assert list(payload) == ["results_returned", "results_available", "results_start", "events"]
    assert (
        payload["results_returned"],
        payload["results_available"],
        payload["results_start"],
    ) == (1, 1, 1)
    data = payload["events"][0]
    assert list(data) == EVENT_FIELDS
    assert data["id"] == event.pk
    assert data["title"] == "Docker Meetup Tokyo #23"
    assert data["catch"] == "Containers"
    assert data["description"] == "<p><strong>Hello</strong></p>\n"
    assert data["url"] == f"http://testserver/events/{event.pk}/"
    assert data["image_url"] == "http://testserver/static/img/api-default.png"
    assert data["hash_tag"] == "dockertokyo"
    assert data["started_at"] == "2026-04-12T19:00:00+09:00"
    assert data["ended_at"] == "2026-04-12T21:30:00+09:00"
    assert data["event_type"] == "participation"
    assert data["open_status"] == "close"
    assert data["group"] == {
        "id": community.pk,
        "subdomain": "docker-tokyo",
        "title": "Docker Meetup Tokyo",
        "url": "http://testserver/communities/docker-tokyo/",
    }
    assert (data["address"], data["place"]) == ("東京都渋谷区1-1-1", "Example Hall")
    assert (data["owner_id"], data["owner_nickname"], data["owner_display_name"]) == (
        owner.pk,
        "hamako",
        "濱田",
    )


def test_events_unknown_values_are_null_as_in_connpass(api):
    EventFactory(catch="", description="", hashtag="", venue_name="", address="", owner=None)

    data = api("/api/v2/events/")["events"][0]

    assert [key for key, value in data.items() if value is None] == [
        "limit", "address", "place", "lat", "lon", "owner_id", "owner_nickname",
        "owner_display_name", "application_opens_at", "application_closes_at",
    ]  # fmt: skip
    assert (data["catch"], data["hash_tag"], data["description"]) == ("", "", "")


def test_events_coordinates_are_strings(api):
    EventFactory(latitude="35.658034", longitude="139.701636")

    data = api("/api/v2/events/")["events"][0]

    assert (data["lat"], data["lon"]) == ("35.658034", "139.701636")


def test_events_counts_seats_and_window_from_ticket_types(api):
    event = EventFactory(starts_at=dt.datetime(2099, 4, 12, 19, 0, tzinfo=TOKYO))
    opens = dt.datetime(2026, 1, 5, 12, 0, tzinfo=TOKYO)
    general = TicketTypeFactory(event=event, capacity=10, opens_at=opens)
    TicketTypeFactory(event=event, capacity=5, name="LT", opens_at=opens)
    RegistrationFactory.create_batch(3, ticket_type=general)
    RegistrationFactory(ticket_type=general, status=Registration.Status.WAITLISTED, waitlist_rank=1)
    RegistrationFactory(ticket_type=general, status=Registration.Status.CANCELLED)

    data = api("/api/v2/events/")["events"][0]

    assert (data["limit"], data["accepted"], data["waiting"]) == (15, 3, 1)
    assert (data["open_status"], data["application_status"]) == ("preopen", "open")
    assert data["application_opens_at"] == "2026-01-05T12:00:00+09:00"
    assert data["application_closes_at"] == "2099-04-11T19:00:00+09:00"


def test_events_open_status_follows_the_event_time(api):
    now = timezone.now()
    before = EventFactory(starts_at=now + dt.timedelta(days=1))
    running = EventFactory(starts_at=now - dt.timedelta(hours=1))
    after = EventFactory(starts_at=now - dt.timedelta(days=2))
    cancelled = EventFactory(status=Event.Status.CANCELLED)

    statuses = {e["id"]: e["open_status"] for e in api("/api/v2/events/")["events"]}

    assert statuses == {
        before.pk: "preopen",
        running.pk: "open",
        after.pk: "close",
        cancelled.pk: "cancelled",
    }


def test_events_times_are_written_and_filtered_in_the_event_zone(api):
    berlin = EventFactory(
        timezone="Europe/Berlin",
        starts_at=dt.datetime(2027, 1, 10, 19, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2027, 1, 10, 21, 0, tzinfo=BERLIN),
    )

    data = api("/api/v2/events/", {"ymd": "20270110"})["events"]

    assert [(e["id"], e["started_at"], e["timezone"]) for e in data] == [
        (berlin.pk, "2027-01-10T19:00:00+01:00", "Europe/Berlin")
    ]
    assert ids(api("/api/v2/events/", {"ymd": "20270111"})) == []
    assert ids(api("/api/v2/events/", {"ym": "202701"})) == [berlin.pk]


def test_events_updated_at_has_an_offset_never_z(api):
    EventFactory(timezone="UTC")

    data = api("/api/v2/events/")["events"][0]

    assert data["updated_at"].endswith("+00:00")
    assert data["started_at"].endswith("+00:00")


def test_events_never_include_drafts(api):
    public = EventFactory()
    EventFactory(status=Event.Status.DRAFT)

    payload = api("/api/v2/events/")

    assert ids(payload) == [public.pk]
    assert payload["results_available"] == 1


def test_events_payload_has_no_email_addresses(api):
    event = EventFactory(owner=UserFactory(email="secret-owner@example.com"))
    RegistrationFactory(ticket_type=TicketTypeFactory(event=event))

    response = api.client.get("/api/v2/events/")

    assert b"@example.com" not in response.content


def test_events_keyword_matches_all_words(api):
    both = EventFactory(title="Docker and Kubernetes")
    EventFactory(title="Docker only")

    assert ids(api("/api/v2/events/", {"keyword": ["docker", "kubernetes"]})) == [both.pk]


def test_events_keyword_or_matches_any_word(api):
    docker = EventFactory(title="Docker night", catch="")
    rust = EventFactory(title="Rust night", catch="")
    EventFactory(title="Go night", catch="")

    payload = api("/api/v2/events/", {"keyword_or": "docker,rust", "order": 3})

    assert ids(payload) == [rust.pk, docker.pk]


def test_events_list_params_take_repeated_keys_and_commas(api):
    first, second, third = EventFactory(), EventFactory(), EventFactory()
    EventFactory()

    payload = api.client.get(
        f"/api/v2/events/?event_id={first.pk},{second.pk}&event_id={third.pk}&order=3"
    ).json()

    assert ids(payload) == [third.pk, second.pk, first.pk]


def test_events_ym_and_ymd_select_months_and_days(api):
    april = EventFactory(starts_at=dt.datetime(2026, 4, 30, 23, 0, tzinfo=TOKYO))
    may = EventFactory(starts_at=dt.datetime(2026, 5, 1, 0, 30, tzinfo=TOKYO))
    EventFactory(starts_at=dt.datetime(2026, 6, 1, 19, 0, tzinfo=TOKYO))

    assert ids(api("/api/v2/events/", {"ym": "202604"})) == [april.pk]
    assert ids(api("/api/v2/events/", {"ymd": "20260501"})) == [may.pk]
    assert ids(api("/api/v2/events/", {"ym": "202604,202605", "order": 2})) == [may.pk, april.pk]
    assert ids(api("/api/v2/events/", {"ymd": "20260230"})) == []


def test_events_nickname_finds_only_participants_on_the_list(api):
    alice = UserFactory(nickname="alice")
    shown = RegistrationFactory(user=alice).event
    RegistrationFactory(user=alice, show_in_list=False)
    RegistrationFactory(user=alice, status=Registration.Status.CANCELLED)

    assert ids(api("/api/v2/events/", {"nickname": "ALICE"})) == [shown.pk]


def test_events_owner_nickname_finds_owned_and_organised(api):
    organiser = UserFactory(nickname="orga")
    owned = EventFactory(owner=organiser)
    organised = EventFactory(community=CommunityFactory(organisers=[organiser]))
    EventFactory()

    payload = api("/api/v2/events/", {"owner_nickname": "orga", "order": 3})

    assert ids(payload) == [organised.pk, owned.pk]


def test_events_subdomain_and_group_id_filter_by_community(api):
    tokyo = CommunityFactory(slug="docker-tokyo")
    event = EventFactory(community=tokyo)
    EventFactory()

    assert ids(api("/api/v2/events/", {"subdomain": "docker-tokyo"})) == [event.pk]
    assert ids(api("/api/v2/events/", {"group_id": tokyo.pk})) == [event.pk]


def test_events_prefecture_matches_address_or_online(api):
    tokyo = EventFactory(address="東京都渋谷区道玄坂1-1")
    online = EventFactory(venue_name="", address="", online_url="https://meet.example.com/x")
    EventFactory(address="大阪府大阪市北区")

    assert ids(api("/api/v2/events/", {"prefecture": "tokyo"})) == [tokyo.pk]
    assert ids(api("/api/v2/events/", {"prefecture": "online"})) == [online.pk]
    payload = api("/api/v2/events/", {"prefecture": "Tokyo,online", "order": 3})
    assert ids(payload) == [online.pk, tokyo.pk]


def test_events_order_by_start_and_newest(api):
    soon = EventFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    later = EventFactory(starts_at=timezone.now() + dt.timedelta(days=30))
    Event.objects.filter(pk=soon.pk).update(updated_at=timezone.now() + dt.timedelta(hours=1))

    assert ids(api("/api/v2/events/", {"order": 1})) == [soon.pk, later.pk]
    assert ids(api("/api/v2/events/", {"order": 2})) == [later.pk, soon.pk]
    assert ids(api("/api/v2/events/", {"order": 3})) == [later.pk, soon.pk]


@pytest.mark.parametrize("order", ["9", "0", "newest", "EventOrder.STARTED_AT"])
def test_events_invalid_order_is_a_400_naming_it(api, order):
    EventFactory()

    body = api("/api/v2/events/", {"order": order}, status=400)

    assert body["parameter"] == "order"
    assert "'order'" in body["detail"]


def test_events_unknown_parameters_are_ignored(api):
    event = EventFactory()

    payload = api("/api/v2/events/", {"format": "json", "callback": "x"})

    assert ids(payload) == [event.pk]


def test_events_paging_with_start_and_count(api):
    events = [EventFactory() for _ in range(5)]

    payload = api("/api/v2/events/", {"order": 3, "start": 2, "count": 2})

    assert ids(payload) == [events[3].pk, events[2].pk]
    assert (
        payload["results_returned"],
        payload["results_available"],
        payload["results_start"],
    ) == (2, 5, 2)


def test_events_start_past_the_end_returns_no_events(api):
    EventFactory()

    payload = api("/api/v2/events/", {"start": 50})

    assert (payload["results_returned"], payload["results_available"], payload["events"]) == (
        0,
        1,
        [],
    )


def test_events_count_above_100_is_clamped(api):
    EventFactory.create_batch(3)

    payload = api("/api/v2/events/", {"count": 10000})

    assert payload["results_returned"] == 3


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"count": 0}, "count"),
        ({"count": "ten"}, "count"),
        ({"start": -1}, "start"),
        ({"ym": "202613"}, "ym"),
        ({"ymd": "20261301"}, "ymd"),
        ({"event_id": "abc"}, "event_id"),
        ({"prefecture": "atlantis"}, "prefecture"),
        ({"keyword": "x" * 10_000}, "keyword"),
        ({"nickname": "a\x00b"}, "nickname"),
        ({"order": "EventOrder.STARTED_AT"}, "order"),
    ],
)
def test_events_bad_parameter_is_400_naming_it(api, params, parameter):
    payload = api("/api/v2/events/", params, status=400)

    assert payload["parameter"] == parameter
    assert parameter in payload["detail"]


def test_events_path_without_trailing_slash(api):
    event = EventFactory()

    assert ids(api("/api/v2/events")) == [event.pk]


def test_events_wrong_method_is_json_405(api):
    response = api.client.post("/api/v2/events/")

    assert response.status_code == 405
    assert response.json()["detail"] == "Method not allowed: the API is read-only (GET)."


def test_events_unknown_path_is_json_404(api):
    assert api("/api/v2/nothing/", status=404) == {"detail": "Not found.", "parameter": ""}


def _arrange_events(n):
    organiser = UserFactory()
    for _ in range(n):
        event = EventFactory(owner=organiser)
        RegistrationFactory(ticket_type=TicketTypeFactory(event=event))


@pytest.mark.parametrize("n", [1, 50])
def test_events_query_count_constant(api, django_assert_num_queries, n):
    _arrange_events(n)

    # key lookup, key last-used update, count, page ids, page rows
    with django_assert_num_queries(5):
        payload = api("/api/v2/events/", {"count": 100})

    assert payload["results_returned"] == n


def test_events_imported_event_keeps_source_figures_and_takes_no_applications(api):
    EventFactory(
        imported_at=timezone.now(),
        import_source="connpass.com",
        import_id=1,
        imported_limit=95,
        imported_accepted=95,
        imported_waiting=187,
    )

    data = api("/api/v2/events/")["events"][0]

    assert (data["limit"], data["accepted"], data["waiting"]) == (95, 95, 187)
    assert (data["open_status"], data["application_status"]) == ("preopen", "close")


def test_events_application_window_closes_when_the_event_ends(api):
    past = EventFactory(starts_at=timezone.now() - dt.timedelta(days=3))

    data = api("/api/v2/events/", {"event_id": past.pk})["events"][0]

    assert (data["open_status"], data["application_status"]) == ("close", "close")
