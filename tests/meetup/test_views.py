import pytest
from django.db import DatabaseError
from django.urls import reverse


@pytest.mark.django_db
def test_home_shows_empty_state_without_events(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No events yet" in response.text


@pytest.mark.django_db
def test_home_follows_browser_language_japanese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.text


@pytest.mark.django_db
def test_home_unknown_language_falls_back_to_default(client, settings):
    settings.LANGUAGE_CODE = "ja"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert '<html lang="ja">' in response.text


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_without_leaking_when_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused: host=secret-db password=hunter2")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_pages_carry_csp_with_nonce_and_no_unsafe_inline(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text


@pytest.mark.django_db
def test_not_found_page_uses_site_layout(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "We could not find that page." in response.text


def test_server_error_page_renders_without_request():
    from django.utils import translation

    from meetup.errors import server_error

    with translation.override("en"):
        response = server_error(None)
    assert response.status_code == 500
    assert b'<html lang="en">' in response.content
    assert b"Something went wrong on our side." in response.content


@pytest.mark.django_db
def test_language_switch_sets_language_cookie(client):
    response = client.get(reverse("switch_language", args=["en"]), {"next": "/events/"})
    assert response.status_code == 302
    assert response["Location"] == "/events/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.django_db
def test_language_switch_unknown_code_falls_back_to_default(client, settings):
    settings.LANGUAGE_CODE = "ja"
    response = client.get(reverse("switch_language", args=["xx"]))
    assert response.cookies["django_language"].value == "ja"


@pytest.mark.django_db
def test_language_switch_refuses_offsite_redirect(client):
    response = client.get(
        reverse("switch_language", args=["en"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
