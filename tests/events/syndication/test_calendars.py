import datetime as dt
import zoneinfo

import icalendar
import pytest

from events.models import Event, Registration
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def vevents(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar.walk("VEVENT")


def test_event_calendar_has_times_uid_and_place(client):
    event = EventFactory(
        title="Docker Meetup Tokyo #23",
        starts_at=dt.datetime(2026, 4, 12, 19, 0, tzinfo=TOKYO),
        ends_at=dt.datetime(2026, 4, 12, 21, 30, tzinfo=TOKYO),
        venue_name="Example Hall",
        address="東京都渋谷区1-1-1",
    )

    (item,) = vevents(client.get(f"/events/{event.pk}/calendar.ics"))

    assert str(item["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert item.decoded("DTSTART") == dt.datetime(2026, 4, 12, 10, 0, tzinfo=dt.UTC)
    assert item.decoded("DTEND") == dt.datetime(2026, 4, 12, 12, 30, tzinfo=dt.UTC)
    assert str(item["SUMMARY"]) == "Docker Meetup Tokyo #23"
    assert str(item["LOCATION"]) == "Example Hall, 東京都渋谷区1-1-1"
    assert str(item["URL"]) == f"http://testserver/events/{event.pk}/"
    assert str(item["STATUS"]) == "CONFIRMED"


def test_cancelled_event_calendar_says_cancelled(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    (item,) = vevents(client.get(f"/events/{event.pk}/calendar.ics"))

    assert str(item["STATUS"]) == "CANCELLED"


def test_draft_event_has_no_calendar(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.get(f"/events/{event.pk}/calendar.ics").status_code == 404


def test_community_calendar_lists_upcoming_public_events(client):
    community = CommunityFactory(slug="docker-tokyo")
    upcoming = EventFactory(community=community)
    EventFactory(
        community=community,
        starts_at=dt.datetime(2020, 1, 1, 19, 0, tzinfo=TOKYO),
        ends_at=dt.datetime(2020, 1, 1, 21, 0, tzinfo=TOKYO),
    )
    EventFactory(community=community, status=Event.Status.DRAFT)
    EventFactory()

    items = vevents(client.get("/communities/docker-tokyo/calendar.ics"))

    assert [str(item["UID"]) for item in items] == [f"event-{upcoming.pk}@127.0.0.1"]


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_private_calendar_lists_only_accepted_registrations(client):
    user = UserFactory()
    accepted = RegistrationFactory(user=user).event
    RegistrationFactory(user=user, status=Registration.Status.WAITLISTED, waitlist_rank=1)
    RegistrationFactory(user=user, status=Registration.Status.CANCELLED)
    RegistrationFactory()
    _login(client, user)
    client.post("/me/calendar/", {"action": "create"})
    user.refresh_from_db()
    client.logout()

    items = vevents(client.get(f"/calendar/{user.calendar_token}.ics"))

    assert len(user.calendar_token) == 43
    assert [str(item["UID"]) for item in items] == [f"event-{accepted.pk}@127.0.0.1"]


def test_private_calendar_reset_revokes_old_url(client):
    user = UserFactory()
    _login(client, user)
    client.post("/me/calendar/", {"action": "create"})
    user.refresh_from_db()
    old_token = user.calendar_token

    client.post("/me/calendar/", {"action": "reset"})
    user.refresh_from_db()

    assert user.calendar_token != old_token
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    assert client.get(f"/calendar/{user.calendar_token}.ics").status_code == 200


def test_private_calendar_turned_off_answers_404(client):
    user = UserFactory()
    _login(client, user)
    client.post("/me/calendar/", {"action": "create"})
    user.refresh_from_db()
    token = user.calendar_token

    client.post("/me/calendar/", {"action": "revoke"})
    user.refresh_from_db()

    assert user.calendar_token == ""
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_private_calendar_short_or_empty_token_is_404(client):
    UserFactory(calendar_token="")

    assert client.get("/calendar/x.ics").status_code == 404


def test_my_calendar_page_shows_the_secret_url(client):
    user = UserFactory()
    _login(client, user)
    client.post("/me/calendar/", {"action": "create"})
    user.refresh_from_db()

    response = client.get("/me/calendar/", HTTP_ACCEPT_LANGUAGE="en")

    assert f"http://testserver/calendar/{user.calendar_token}.ics" in response.text
    assert f"webcal://testserver/calendar/{user.calendar_token}.ics" in response.text


def test_event_page_has_add_to_calendar_buttons(client):
    event = EventFactory(
        title="Docker #23",
        starts_at=dt.datetime(2026, 4, 12, 19, 0, tzinfo=TOKYO),
        ends_at=dt.datetime(2026, 4, 12, 21, 0, tzinfo=TOKYO),
    )

    response = client.get(f"/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert f'href="/events/{event.pk}/calendar.ics"' in response.text
    assert "dates=20260412T100000Z%2F20260412T120000Z" in response.text
