import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiKey
from api import keys
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v2/events/"


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """The limiter's windows follow the clock: hold it so no test straddles two windows."""
    from core import ratelimit

    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_000_000.0)


def test_request_without_key_is_401_json(client):
    response = client.get(EVENTS)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "A valid API key is required in the X-API-Key header.",
        "parameter": "",
    }


def test_request_with_wrong_key_is_401(client):
    assert client.get(EVENTS, HTTP_X_API_KEY="mk_not-a-key").status_code == 401


def test_revoked_key_is_401(client):
    api_key, raw_key = keys.create_key(UserFactory(), "bot")
    keys.revoke_key(api_key)

    assert client.get(EVENTS, HTTP_X_API_KEY=raw_key).status_code == 401


def test_key_of_deactivated_user_is_401(client):
    user = UserFactory()
    _api_key, raw_key = keys.create_key(user, "bot")
    user.is_active = False
    user.save()

    assert client.get(EVENTS, HTTP_X_API_KEY=raw_key).status_code == 401


def test_valid_key_is_accepted_and_use_noted(client):
    api_key, raw_key = keys.create_key(UserFactory(), "bot")

    response = client.get(EVENTS, HTTP_X_API_KEY=raw_key)

    api_key.refresh_from_db()
    assert response.status_code == 200
    assert api_key.last_used_at is not None


def test_key_is_stored_only_as_sha256(client):
    api_key, raw_key = keys.create_key(UserFactory(), "bot")

    assert raw_key.startswith("mk_")
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert ApiKey.objects.filter(key_hash=raw_key).exists() is False
    assert api_key.prefix == raw_key[3:11]


def test_open_mode_serves_without_key(client, settings):
    settings.MEETUP_API_OPEN = True

    assert client.get(EVENTS).status_code == 200


def test_rate_limit_answers_429_with_retry_after(settings):
    settings.MEETUP_API_RATE = 1.0
    settings.MEETUP_API_BURST = 2
    _api_key, raw_key = keys.create_key(UserFactory(), "bot")
    client = Client(HTTP_X_API_KEY=raw_key)

    statuses = [client.get(EVENTS).status_code for _ in range(2)]
    limited = client.get(EVENTS)

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert limited["Retry-After"] == "2"  # the rest of the two-second window
    assert limited.json()["detail"].startswith("Too many requests")


def test_rate_limit_is_per_key(settings):
    settings.MEETUP_API_RATE = 1.0
    settings.MEETUP_API_BURST = 1
    first = Client(HTTP_X_API_KEY=keys.create_key(UserFactory(), "a")[1])
    second = Client(HTTP_X_API_KEY=keys.create_key(UserFactory(), "b")[1])

    first.get(EVENTS)

    assert first.get(EVENTS).status_code == 429
    assert second.get(EVENTS).status_code == 200


def test_rate_limit_open_mode_is_per_address(client, settings):
    settings.MEETUP_API_OPEN = True
    settings.MEETUP_API_RATE = 1.0
    settings.MEETUP_API_BURST = 1

    first = client.get(EVENTS)
    second = client.get(EVENTS)
    other_address = client.get(EVENTS, REMOTE_ADDR="192.0.2.9")

    assert (first.status_code, second.status_code, other_address.status_code) == (200, 429, 200)


def test_rate_limit_open_mode_behind_trusted_proxy_is_per_forwarded_client(client, settings):
    settings.MEETUP_API_OPEN = True
    settings.MEETUP_API_RATE = 1.0
    settings.MEETUP_API_BURST = 1
    settings.MEETUP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    first = client.get(EVENTS, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    again = client.get(EVENTS, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    other = client.get(EVENTS, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)

    assert (first.status_code, again.status_code, other.status_code) == (200, 429, 200)


def test_rate_limit_open_mode_ignores_forwarded_for_from_untrusted_peer(client, settings):
    settings.MEETUP_API_OPEN = True
    settings.MEETUP_API_RATE = 1.0
    settings.MEETUP_API_BURST = 1
    settings.MEETUP_TRUSTED_PROXIES = ["10.0.0.0/8"]

    first = client.get(EVENTS, HTTP_X_FORWARDED_FOR="198.51.100.1")
    spoofed = client.get(EVENTS, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (first.status_code, spoofed.status_code) == (200, 429)


def test_openapi_schema_needs_no_key(client):
    response = client.get("/api/v2/openapi.json")

    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"] == {
        "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    }


def test_docs_page_is_linked_from_the_footer(client):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    docs = client.get("/api/v2/docs/", HTTP_ACCEPT_LANGUAGE="en")

    assert 'href="/api/v2/docs/"' in home.text
    assert docs.status_code == 200
    assert "/api/v2/events/" in docs.text


def test_create_api_key_command_prints_a_working_key(client):
    UserFactory(nickname="bot-owner")
    out = io.StringIO()

    call_command("create_api_key", "bot-owner", stdout=out)

    raw_key = out.getvalue().strip()
    assert client.get(EVENTS, HTTP_X_API_KEY=raw_key).status_code == 200


def test_create_api_key_command_unknown_user_fails():
    with pytest.raises(CommandError, match="No user with the nickname 'ghost'"):
        call_command("create_api_key", "ghost", stdout=io.StringIO())


def _login(client):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    return user


def test_key_page_shows_a_new_key_once(client):
    user = _login(client)

    created = client.post("/accounts/api-keys/", {"name": "Slack bot"}, HTTP_ACCEPT_LANGUAGE="en")
    again = client.get("/accounts/api-keys/", HTTP_ACCEPT_LANGUAGE="en")

    api_key = user.api_keys.get()
    raw_key = created.context["new_key"]
    assert keys.authenticate(raw_key) == api_key
    assert raw_key in created.text
    assert raw_key not in again.text
    assert f"mk_{api_key.prefix}…" in again.text


def test_key_page_revokes_own_key(client):
    user = _login(client)
    api_key, raw_key = keys.create_key(user, "bot")

    response = client.post(f"/accounts/api-keys/{api_key.pk}/revoke/")

    api_key.refresh_from_db()
    assert response.status_code == 302
    assert api_key.revoked_at is not None
    assert keys.authenticate(raw_key) is None


def test_key_page_cannot_revoke_someone_elses_key(client):
    _login(client)
    api_key, _raw = keys.create_key(UserFactory(), "theirs")

    response = client.post(f"/accounts/api-keys/{api_key.pk}/revoke/")

    api_key.refresh_from_db()
    assert response.status_code == 404
    assert api_key.revoked_at is None


def test_key_page_needs_login(client):
    response = client.get("/accounts/api-keys/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_links_to_api_keys(client):
    _login(client)

    assert 'href="/accounts/api-keys/"' in client.get("/accounts/profile/").text
