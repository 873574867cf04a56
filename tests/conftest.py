import os
import shutil

import pytest
from django.db import connection


def require(condition: bool, reason: str):
    """Skip locally with the reason; in CI (CI=true) nothing may be skipped, so fail instead."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
    require(
        connection.vendor == "postgresql",
        "needs PostgreSQL (row locks across connections); set DATABASE_URL=postgres://…",
    )


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


# -- The organiser of one community, shared by the back-office tests of every app ---------


@pytest.fixture
def organiser(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, display_name="Door Keeper")


@pytest.fixture
def community(organiser):
    from tests.factories import CommunityFactory

    return CommunityFactory(organisers=[organiser])


@pytest.fixture
def event(community):
    from tests.factories import EventFactory

    return EventFactory(community=community)


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client
