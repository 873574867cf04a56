"""CSV headers in the organiser's language; ?lang=en for scripts."""

import csv
import io

import pytest
from django.urls import reverse

from events.models import Registration
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_client(client):
    organiser = UserFactory(is_staff=True)
    client.force_login(organiser)
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    RegistrationFactory(
        ticket_type=TicketTypeFactory(event=event), status=Registration.Status.ACCEPTED
    )
    client.event = event
    return client


def _rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_headers_follow_the_organisers_language(org_client):
    response = org_client.get(
        reverse("admin:events_event_export", args=[org_client.event.pk]),
        headers={"accept-language": "ja"},
    )

    rows = _rows(response)
    assert rows[0] == [
        "受付番号",
        "名前",
        "メールアドレス",
        "参加枠",
        "状態",
        "抽選順位",
        "補欠順",
        "申込日時",
        "受付日時",
    ]
    assert rows[1][4] == "参加確定"


def test_csv_lang_en_gives_english_headers_to_scripts(org_client):
    response = org_client.get(
        reverse("admin:events_event_export", args=[org_client.event.pk]) + "?lang=en",
        headers={"accept-language": "ja"},
    )

    rows = _rows(response)
    assert rows[0] == [
        "receipt",
        "name",
        "e-mail",
        "ticket type",
        "status",
        "draw rank",
        "waitlist place",
        "applied",
        "checked in",
    ]
    assert rows[1][4] == "Accepted"
