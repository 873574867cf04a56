"""Findings 8 and 9: a message subject with a line break was queued and then failed in the
worker; the back office accepted a one-character self check-in code. Both are refused at the
form, with a message in place."""

import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory

from events.models import Event
from tests.factories import CommunityFactory, EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    organiser = UserFactory(is_staff=True)
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    RegistrationFactory(ticket_type__event=event)
    client.force_login(organiser)
    client.event = event
    return client


@pytest.mark.parametrize("subject", ["Doors open\nat 19:00", "Doors\r\nBcc: all@example.com"])
def test_message_subject_with_a_line_break_is_refused_in_place(
    organiser_client, subject, django_capture_on_commit_callbacks
):
    url = f"/admin/events/event/{organiser_client.event.pk}/message/"
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url, {"audience": "accepted", "subject": subject, "body": "See you"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["Write the subject on one line, without line breaks or tabs."]
    }
    assert mail.outbox == []


def test_message_with_a_one_line_subject_is_queued(
    organiser_client, django_capture_on_commit_callbacks
):
    url = f"/admin/events/event/{organiser_client.event.pk}/message/"
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url, {"audience": "accepted", "subject": "Doors open at 19:00", "body": "See you"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def event_form_errors(data):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form = admin.site._registry[Event].get_form(request)(data=data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize("code", ["A", "OPEN", "12345", "  ab  "])
def test_short_self_checkin_code_is_refused(code):
    errors = event_form_errors({"checkin_code": code})
    assert errors["checkin_code"] == [
        "Use at least 6 characters, so that the code cannot be guessed from outside the room."
    ]


@pytest.mark.parametrize("code", ["", "DOCKER", "DOCKER23"])
def test_empty_or_six_character_self_checkin_code_is_accepted(code):
    assert "checkin_code" not in event_form_errors({"checkin_code": code})
