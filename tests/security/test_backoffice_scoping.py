"""Finding 11 (back office): the report list filter named every community; a check-in token's
signed receipt was never compared, so a token could open whatever registration later had its id."""

import pytest
from django.core import signing

from events.registration import checkin as checkin_tokens
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_report_list_filter_names_only_the_organisers_communities(client):
    organiser = UserFactory(is_staff=True)
    mine = CommunityFactory(name="Docker Meetup Tokyo", organisers=[organiser])
    CommunityFactory(name="Secret Stealth Startup Club")
    ReportFactory(event=EventFactory(community=mine))
    client.force_login(organiser)
    response = client.get("/admin/reports/report/")
    assert response.status_code == 200
    assert "Docker Meetup Tokyo" in response.text
    assert "Secret Stealth Startup Club" not in response.text


@pytest.fixture
def door(client):
    organiser = UserFactory(is_staff=True)
    registration = RegistrationFactory(
        ticket_type__event__community=CommunityFactory(organisers=[organiser])
    )
    client.force_login(organiser)
    return client, registration


def test_checkin_token_with_its_own_receipt_opens_the_registration(door):
    client, registration = door
    response = client.get(f"/checkin/{checkin_tokens.make_token(registration)}/")
    assert response.status_code == 200
    assert registration.receipt in response.text


def test_checkin_token_whose_receipt_differs_opens_nothing(door):
    client, registration = door
    token = signing.dumps([registration.pk, "ZZZZ9999"], salt=checkin_tokens.SALT, compress=True)
    assert checkin_tokens.registration_for_token(token) is None
    assert client.get(f"/checkin/{token}/").status_code == 404


def test_checkin_token_without_a_receipt_is_malformed():
    token = signing.dumps([1], salt=checkin_tokens.SALT, compress=True)
    with pytest.raises(signing.BadSignature):
        checkin_tokens.registration_for_token(token)
