"""An imported event's page says so, shows the source's figures and takes no applications."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _imported(**extra):
    return EventFactory(
        import_source="connpass.com",
        import_id=101,
        import_url="https://docker-tokyo.connpass.com/event/101/",
        imported_at=timezone.now(),
        imported_limit=95,
        imported_accepted=95,
        imported_waiting=187,
        **extra,
    )


def test_imported_event_page_is_marked_with_source_figures(client):
    event = _imported(starts_at=timezone.now() - dt.timedelta(days=400))

    html = client.get(event.get_absolute_url(), **EN).text

    assert "Imported from connpass.com: applications are closed here." in html
    assert 'href="https://docker-tokyo.connpass.com/event/101/"' in html
    assert "95 took part, 187 waiting · 95 seats" in html
    assert "(figures from connpass.com)" in html
    assert "Closed to applications" in html


def test_upcoming_imported_event_takes_no_applications(client):
    event = _imported()
    client.force_login(UserFactory())

    html = client.get(event.get_absolute_url(), **EN).text

    assert "This event was imported: applications are closed here." in html
    assert f'action="/events/{event.pk}/apply/"' not in html


def test_imported_event_says_the_participant_list_stayed_at_the_source(client):
    event = _imported(starts_at=timezone.now() - dt.timedelta(days=400))

    html = client.get(event.get_absolute_url(), **EN).text

    assert "The participant list stays on the original site" in html
    assert "Be the first to apply!" not in html
