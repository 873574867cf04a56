import pytest
from django.db import OperationalError

from meetup import views


@pytest.fixture
def failing_home(monkeypatch):
    def boom(request):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(views, "home", boom)
    # The URLconf holds the function object; point it at the failing one.
    from django.urls import get_resolver

    resolver = get_resolver()
    pattern = next(p for p in resolver.url_patterns if getattr(p, "name", None) == "home")
    monkeypatch.setattr(pattern, "callback", boom)


@pytest.mark.django_db
def test_database_trouble_gives_friendly_503_with_retry_after(client, failing_home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We are very busy right now." in response.text


@pytest.mark.django_db
def test_other_errors_are_not_swallowed(client, monkeypatch):
    from django.urls import get_resolver

    def boom(request):
        raise ValueError("a bug")

    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", None) == "home")
    monkeypatch.setattr(pattern, "callback", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
