"""Real Chromium (Debian's), driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, require

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, page):
    """The page, with a helper to open a path on the live server."""
    page.set_default_timeout(10_000)

    def open_path(path: str):
        page.goto(live_server.url + path)
        return page

    page.open = open_path
    page.live_url = live_server.url
    return page
