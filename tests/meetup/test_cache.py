import re

import pytest
from django.test import Client


@pytest.fixture
def cached(settings):
    settings.MEETUP_ANONYMOUS_CACHE_SECONDS = 15
    return Client()


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@pytest.mark.django_db
def test_anonymous_home_is_served_from_cache_with_fresh_nonce(cached):
    first = cached.get("/", HTTP_ACCEPT_LANGUAGE="en")
    second = cached.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert first.get("X-Cache") is None
    assert second["X-Cache"] == "hit"
    assert second["Cache-Control"] == "public, max-age=15"
    assert nonce_of(first) != nonce_of(second)
    assert f'nonce="{nonce_of(second)}"' in second.text
    assert f'nonce="{nonce_of(first)}"' not in second.text


@pytest.mark.django_db
def test_cache_keeps_languages_apart(cached):
    cached.get("/", HTTP_ACCEPT_LANGUAGE="en")
    japanese = cached.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.get("X-Cache") is None
    assert '<html lang="ja">' in japanese.text


@pytest.mark.django_db
def test_signed_in_pages_never_come_from_the_anonymous_cache(cached, django_user_model):
    from tests.factories import UserFactory

    cached.force_login(UserFactory(display_name="Taro"))
    cached.get("/")
    response = cached.get("/")
    assert response.get("X-Cache") is None
    assert "Taro" in response.text


@pytest.mark.django_db
def test_private_paths_are_never_cached(cached):
    cached.get("/accounts/login/")
    response = cached.get("/accounts/login/")
    assert response.get("X-Cache") is None
