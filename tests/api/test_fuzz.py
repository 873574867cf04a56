"""Bad input never breaks the API: schemathesis against its own OpenAPI schema, plus hypothesis
on the parameters. Every answer is JSON; a bad parameter is a 400 naming it; never a 500."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.params import MAX_COUNT
from tests.factories import (
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
EVENT_PARAMS = [
    "event_id", "keyword", "keyword_or", "ym", "ymd", "nickname", "owner_nickname",
    "group_id", "subdomain", "prefecture", "order", "start", "count",
]  # fmt: skip
ENDPOINTS = [
    "/api/v2/events/",
    "/api/v2/groups/",
    "/api/v2/users/",
    "/api/v2/users/alice/groups/",
    "/api/v2/users/alice/attended_events/",
    "/api/v2/users/alice/presenter_events/",
]


@pytest.fixture
def data(db, settings):
    settings.MEETUP_API_BURST = 10**6
    alice = UserFactory(nickname="alice")
    event = EventFactory(title="Docker Meetup Tokyo", address="東京都渋谷区", owner=alice)
    RegistrationFactory(user=alice, ticket_type__event=event)
    TalkFactory(event=event, speakers=[SpeakerFactory(user=alice)])
    MaterialFactory(event=event, submitted_by=alice)
    EventFactory(venue_name="", address="", online_url="https://meet.example.com/x")
    return event


@pytest.fixture
def keep_connection():
    """The raw WSGI handler closes the database connection after each request (as it should in
    production); the test transaction needs it open, as Django's test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded through the in-process WSGI app (the schema itself needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v2/openapi.json", get_wsgi_application())
# Unknown query parameters are ignored, as connpass ignores them (format=json from v1 clients):
# not a schema violation to reject. Every check still runs on every generated request.
schema.config.generation.update(allow_extra_parameters=False)


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema(data, keep_connection, case, api_key):
    case.call_and_validate(headers={"X-API-Key": api_key})


def _assert_json_answer(response, allowed_parameters):
    assert response.status_code in (200, 400), response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 400:
        assert body["parameter"] in allowed_parameters
        assert body["parameter"] in body["detail"]
    return body


values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "10000", "202613", "20261332", "abc", "1,2,", ",", "x" * 10_000]),
)


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(EVENT_PARAMS), st.lists(values, min_size=1, max_size=3))
)
def test_events_parameters_answer_200_or_400_naming_them(data, api_key, params):
    response = Client(HTTP_X_API_KEY=api_key).get("/api/v2/events/", params)

    body = _assert_json_answer(response, set(params))
    if response.status_code == 200:
        assert body["results_returned"] <= MAX_COUNT


@FUZZ
@given(
    path=st.sampled_from(ENDPOINTS),
    name=st.text(min_size=1, max_size=20).filter(
        lambda name: name not in {"start", "count", "subdomain", "nickname", *EVENT_PARAMS}
    ),
    value=values,
)
def test_unknown_parameters_are_ignored(data, api_key, path, name, value):
    client = Client(HTTP_X_API_KEY=api_key)

    plain = client.get(path)
    response = client.get(path, {name: value})

    assert response.status_code == 200, response.content
    assert response.json() == plain.json()


@FUZZ
@given(path=st.sampled_from(ENDPOINTS), start=values, count=values)
def test_paging_parameters_answer_200_or_400(data, api_key, path, start, count):
    response = Client(HTTP_X_API_KEY=api_key).get(path, {"start": start, "count": count})

    _assert_json_answer(response, {"start", "count"})


@FUZZ
@given(nickname=st.text(min_size=1, max_size=300), event_id=st.text(min_size=1, max_size=30))
def test_path_parameters_never_break(data, api_key, nickname, event_id):
    client = Client(HTTP_X_API_KEY=api_key)
    from urllib.parse import quote

    for path in (
        f"/api/v2/users/{quote(nickname, safe='')}/groups/",
        f"/api/v2/events/{quote(event_id, safe='')}/presentations/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (path, response.content)
        assert response["Content-Type"].startswith("application/json")
