"""Finding 4: someone who signed up first with another person's address kept a working private
calendar URL, API key and session after the real owner reset the password or confirmed the
address. Both now revoke the calendar address, the API keys and every other session."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import Client

from api import keys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "t" * 43
NEW_PASSWORD = "a-brand-new-passphrase-2026"


@pytest.fixture
def squatted(settings):
    """The squatter signed up with the owner's address, set up a calendar, a key, a session."""
    settings.MEETUP_API_OPEN = False
    user = UserFactory(email="owner@example.com", calendar_token=TOKEN, verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    _, raw_key = keys.create_key(user, "squatter's laptop")
    # A session from before (sign-in now waits for a verified address; older sessions remain).
    squatter = Client()
    squatter.force_login(user)
    return {"user": user, "address": address, "key": raw_key, "squatter": squatter}


def secrets_still_work(squatted) -> dict:
    squatter = squatted["squatter"]
    return {
        "calendar": Client().get(f"/calendar/{TOKEN}.ics").status_code,
        "api_key": Client().get("/api/v2/events/", HTTP_X_API_KEY=squatted["key"]).status_code,
        "session": squatter.get("/me/").status_code,
    }


def test_the_fixture_secrets_work_before_any_proof(squatted):
    assert secrets_still_work(squatted) == {"calendar": 200, "api_key": 200, "session": 200}


def test_password_reset_by_the_owner_revokes_every_secret(
    squatted, django_capture_on_commit_callbacks
):
    owner = Client()
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mail is queued on commit
        owner.post("/accounts/password/reset/", {"email": "owner@example.com"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    set_password_page = owner.get(link.group(1), follow=True)
    response = owner.post(
        set_password_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert secrets_still_work(squatted) == {"calendar": 404, "api_key": 401, "session": 302}


def test_email_confirmation_by_the_owner_revokes_every_secret(squatted):
    owner = Client()
    key = EmailConfirmationHMAC(squatted["address"]).key
    response = owner.post(f"/accounts/confirm-email/{key}/")
    assert response.status_code == 302
    assert secrets_still_work(squatted) == {"calendar": 404, "api_key": 401, "session": 302}


def test_confirming_keeps_the_confirming_session_and_says_what_was_revoked(squatted):
    owner = Client()
    owner.force_login(squatted["user"])
    key = EmailConfirmationHMAC(squatted["address"]).key
    response = owner.post(f"/accounts/confirm-email/{key}/", follow=True)
    assert "your private calendar address and API keys were turned off" in response.text
    assert owner.get("/me/").status_code == 200
    assert squatted["squatter"].get("/me/").status_code == 302


def test_sessions_without_a_stamp_keep_their_django_hash():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
