"""Finding 2: Django's own /admin/login/ had no rate limit. The back office now signs in through
allauth's page, with the site's lockout, and says so in both languages."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from meetup.settings import ACCOUNT_RATE_LIMITS as PRODUCTION_RATE_LIMITS
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_RATE_LIMITS


@pytest.fixture
def staff():
    return UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)


def back_office_login_url(client) -> str:
    """Where the back office sends someone who is not signed in, redirects followed."""
    response = client.get("/admin/", follow=True)
    last_url, _ = response.redirect_chain[-1]
    return last_url


def test_back_office_sends_sign_in_to_allauth(client):
    assert back_office_login_url(client) == "/accounts/login/?next=%2Fadmin%2F"


def test_sixty_wrong_passwords_lock_the_back_office_account(client, staff, production_limits):
    url = back_office_login_url(client)
    for _ in range(60):
        client.post(url, {"login": staff.email, "password": "wrong-password"})
    same_address = client.post(url, {"login": staff.email, "password": PASSWORD})
    # From another address too: the account itself is locked, not only the address.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    other_address = elsewhere.post(url, {"login": staff.email, "password": PASSWORD})
    assert same_address.status_code == 429
    assert other_address.status_code == 200
    assert "Too many failed login attempts. Try again later." in other_address.text
    assert "_auth_user_id" not in client.session
    assert "_auth_user_id" not in elsewhere.session
    assert client.get("/admin/").status_code == 302


def test_posting_a_password_to_admin_login_signs_no_one_in(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_admin_login_keeps_a_local_next_and_drops_a_foreign_one(client):
    local = client.get("/admin/login/?next=/admin/events/event/")
    foreign = client.get("/admin/login/?next=https://evil.example/")
    assert local["Location"] == "/accounts/login/?next=%2Fadmin%2Fevents%2Fevent%2F"
    assert foreign["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "After several wrong passwords, signing in to that account is locked"),
        ("ja", "パスワードを何度も間違えると"),
    ],
)
def test_sign_in_page_explains_the_lockout_in_both_languages(language, text):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/admin/login/", follow=True)
    assert response.status_code == 200
    assert text in response.text
    translation.activate(settings.LANGUAGE_CODE)


def test_signed_in_staff_at_admin_login_goes_to_the_back_office(client, staff):
    client.force_login(staff)
    response = client.get("/admin/login/")
    assert response["Location"] == "/admin/"


def test_signed_in_attendee_at_admin_login_is_refused(client):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403
