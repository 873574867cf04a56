"""One event editor: event, ticket types and programme on one page, dates in the event's zone."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event
from talks.models import Speaker, Talk
from tests.factories import (
    CommunityFactory,
    EventFactory,
    SpeakerFactory,
    TalkFactory,
    TicketTypeFactory,
    UserFactory,
)
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True)


@pytest.fixture
def event(organiser):
    starts = timezone.make_aware(dt.datetime(2030, 5, 10, 19, 0), timezone.get_fixed_timezone(540))
    return EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        timezone="Asia/Tokyo",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client


def _url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def _arrange(event, scale):
    """Times to the minute, as the editor's boxes enter them."""
    opens = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=1)
    for n in range(scale):
        TicketTypeFactory(event=event, name=f"Type {n}", lottery=(n % 2 == 0), opens_at=opens)
        TalkFactory(event=event, speakers=[SpeakerFactory(), SpeakerFactory()])


@pytest.mark.parametrize("scale", [1, 12])
def test_editor_opens_in_constant_queries(org_client, event, scale, django_assert_num_queries):
    _arrange(event, scale)
    org_client.get(_url(event))  # warm the content type cache, as on a running site

    # The questionnaire inline's rows and ticket-type choices come on top of the event, the
    # ticket types and the programme.
    with django_assert_num_queries(6):
        response = org_client.get(_url(event))

    assert response.status_code == 200


@pytest.mark.parametrize("scale", [1, 12])
def test_editor_saves_in_constant_queries(org_client, event, scale):
    _arrange(event, scale)
    data = form_data(org_client.get(_url(event)).content.decode(), "event_form")
    data["title"] = "Renamed"

    with CaptureQueriesContext(connection) as captured:
        response = org_client.post(_url(event), data)

    # The admin's transaction is a SAVEPOINT pair only inside the test's own transaction
    # (BEGIN/COMMIT, not queries, on a running site): count the statements that remain.
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 8, statements
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Renamed"


def test_editor_shows_one_datetime_box_in_the_event_zone(org_client, event):
    event.timezone = "Europe/Paris"
    event.save()

    body = org_client.get(_url(event)).content.decode()

    # 19:00 in Tokyo is 12:00 in Paris (summer time).
    assert 'type="datetime-local" name="starts_at" value="2030-05-10T12:00"' in body
    assert 'name="starts_at_0"' not in body


def test_editor_reads_posted_times_in_the_posted_zone(org_client, event):
    data = form_data(org_client.get(_url(event)).content.decode(), "event_form")
    data.update(
        {
            "timezone": "America/New_York",
            "starts_at": "2030-05-10T19:00",
            "ends_at": "2030-05-10T21:00",
        }
    )

    org_client.post(_url(event), data)

    event.refresh_from_db()
    assert event.starts_at == dt.datetime(2030, 5, 10, 23, 0, tzinfo=dt.UTC)


def test_editor_offers_common_time_zones_and_refuses_unknown_ones(org_client, event):
    body = org_client.get(_url(event)).content.decode()
    data = form_data(body, "event_form")
    data["timezone"] = "Mars/Olympus"

    response = org_client.post(_url(event), data)

    assert body.count('<option value="Asia/Tokyo"></option>') == 1
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone"] == [
        "“Mars/Olympus” is not a time zone. Pick one from the list, such as Asia/Tokyo."
    ]


def test_editor_adds_a_talk_with_a_new_speaker(org_client, event):
    known = SpeakerFactory(name="Aiko Sato")
    data = form_data(org_client.get(_url(event)).content.decode(), "event_form")
    prefix = "talks"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-position": "1",
            f"{prefix}-0-title": "Containers at scale",
            f"{prefix}-0-kind": "session",
            f"{prefix}-0-speaker_names": "Aiko Sato, Kenji Tanaka",
            f"{prefix}-0-event": str(event.pk),
        }
    )

    response = org_client.post(_url(event), data)

    assert response.status_code == 302
    talk = Talk.objects.get(event=event)
    names = [ts.speaker.name for ts in talk.talk_speakers.select_related("speaker")]
    assert names == ["Aiko Sato", "Kenji Tanaka"]
    assert talk.talk_speakers.first().speaker == known
    assert Speaker.objects.count() == 2


def test_editor_in_japanese_has_no_english_placeholder(org_client, event):
    with translation.override("ja"):
        body = org_client.get(_url(event), headers={"accept-language": "ja"}).content.decode()

    assert "Select an option" not in body
    assert "プログラム" in body


def test_editor_of_another_community_is_404(org_client, event):
    other = EventFactory()

    assert org_client.get(_url(other)).status_code == 404
    assert org_client.post(_url(other), {"title": "x"}).status_code == 404
