"""Phone-first layout (issue 20): a one-row header whose menu works without JavaScript, the
events before the filters, and Japanese headings that break between phrases."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def test_phone_header_is_one_row_and_its_menu_opens_without_javascript(phone):
    phone.goto(phone.base + "/")
    header = phone.locator(".site-header").bounding_box()
    reports = phone.get_by_role("banner").get_by_role("link", name="レポート", exact=True)

    hidden_before = not reports.is_visible()
    phone.get_by_text("メニュー").click()

    assert header["height"] <= 64
    assert hidden_before
    expect(reports).to_be_visible()


def test_phone_event_list_shows_an_event_on_the_first_screen(phone):
    starts = timezone.now() + dt.timedelta(days=10)
    EventFactory(title="Rust Tokyo #5", starts_at=starts, ends_at=starts + dt.timedelta(hours=2))

    phone.goto(phone.base + "/events/")
    card = phone.get_by_role("link", name="Rust Tokyo #5").bounding_box()

    assert card["y"] + card["height"] <= PHONE["height"]
    expect(phone.get_by_role("searchbox")).to_be_hidden()  # the filters are folded


def test_japanese_headings_break_between_phrases(phone):
    phone.goto(phone.base + "/")
    word_break = phone.locator("h1").evaluate("h => getComputedStyle(h).wordBreak")

    assert word_break == "auto-phrase"
