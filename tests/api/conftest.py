import pytest
from django.test import Client

from api import keys
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Most API tests make many requests; test_auth_and_limits sets its own limit."""
    settings.MEETUP_API_OPEN = False
    settings.MEETUP_API_RATE = 1000.0
    settings.MEETUP_API_BURST = 1000


@pytest.fixture
def api_key(db):
    _api_key, raw_key = keys.create_key(UserFactory(nickname="bot-owner"), "tests")
    return raw_key


@pytest.fixture
def api(api_key):
    """A test client that sends the key, and returns parsed JSON with the status."""
    client = Client(HTTP_X_API_KEY=api_key)

    def get(path, params=None, status=200):
        response = client.get(path, params or {})
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        return response.json()

    get.client = client
    return get
