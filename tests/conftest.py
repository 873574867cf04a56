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
