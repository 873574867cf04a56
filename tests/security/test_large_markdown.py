"""Finding 3: one organiser could stall the site with a 1 MB Markdown text rendered on every
view. Texts are limited at input, rendered once when saved (the sanitised HTML is stored), and
the anonymous page cache ignores unknown query parameters (and keeps hosts apart)."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from core import markdown
from events.models import Community, Event
from reports.models import Report, TalkSummary
from talks.models import Talk
from tests.factories import (
    CommunityFactory,
    EventFactory,
    ReportFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TABLE_ROW = "| a | b | c |\n"
ONE_MEGABYTE = "| a | b | c |\n|---|---|---|\n" + TABLE_ROW * (1_000_000 // len(TABLE_ROW))


def admin_form_errors(model, data):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[model].get_form(request)
    form = form_class(data=data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    "model, field, limit",
    [
        (Event, "description", 20_000),
        (Community, "description", 10_000),
        (Talk, "abstract", 5_000),
        (Report, "body", 50_000),
    ],
)
def test_back_office_refuses_a_one_megabyte_text_with_a_clear_message(model, field, limit):
    errors = admin_form_errors(model, {field: ONE_MEGABYTE})
    assert errors[field] == [
        f"Ensure this value has at most {limit} characters (it has {len(ONE_MEGABYTE.strip())})."
    ]


def test_talk_summary_field_has_a_limit():
    assert TalkSummary._meta.get_field("summary").formfield().max_length == 5_000


def test_markdown_is_rendered_once_at_save_and_stored_sanitised():
    event = EventFactory(description="# Hello\n\n<script>alert(1)</script> **bold**")
    assert event.description_html == (
        "<h1>Hello</h1>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; <strong>bold</strong></p>\n"
    )


def test_saving_only_the_markdown_field_updates_its_html():
    event = EventFactory(description="old")
    event.description = "*new*"
    event.save(update_fields=["description"])
    event.refresh_from_db()
    assert event.description_html == "<p><em>new</em></p>\n"


def test_pages_feeds_and_api_show_the_stored_html_without_rendering(settings, monkeypatch):
    community = CommunityFactory(description="**community**")
    event = EventFactory(community=community, description="**event**")
    talk = TalkFactory(event=event, abstract="**abstract**")
    ReportFactory(event=event, body="**report**")
    settings.MEETUP_API_OPEN = True
    # From here on, rendering Markdown fails the test: serving must only read stored HTML.
    monkeypatch.setattr(markdown._md, "render", lambda *a, **k: pytest.fail("rendered"))
    client = Client()
    pages = {
        event.get_absolute_url(): "<strong>event</strong>",
        community.get_absolute_url(): "<strong>community</strong>",
        talk.get_absolute_url(): "<strong>abstract</strong>",
        f"/reports/{event.pk}/": "<strong>report</strong>",
        "/feeds/events.atom": "&lt;strong&gt;event&lt;/strong&gt;",
        f"/api/v2/events/?event_id={event.pk}": "<strong>event</strong>",
    }
    for url, html in pages.items():
        response = client.get(url)
        assert (url, response.status_code, html in response.text) == (url, 200, True)


@pytest.fixture
def cached(settings):
    settings.MEETUP_ANONYMOUS_CACHE_SECONDS = 15
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    return Client()


def test_unknown_query_parameters_do_not_bust_the_page_cache(cached):
    event = EventFactory()
    cached.get(f"/events/{event.pk}/", HTTP_HOST="a.example")
    busted = cached.get(f"/events/{event.pk}/?bust=1234", HTTP_HOST="a.example")
    assert busted["X-Cache"] == "hit"


def test_known_query_parameters_keep_their_own_cache_entries(cached):
    cached.get("/events/?when=upcoming", HTTP_HOST="a.example")
    past = cached.get("/events/?when=past", HTTP_HOST="a.example")
    again = cached.get("/events/?bust=1&when=past", HTTP_HOST="a.example")
    assert past.get("X-Cache") is None
    assert again["X-Cache"] == "hit"


def test_page_cache_keeps_hosts_apart(cached):
    cached.get("/", HTTP_HOST="a.example")
    other_host = cached.get("/", HTTP_HOST="b.example")
    assert other_host.get("X-Cache") is None


def test_page_cache_refuses_a_host_outside_allowed_hosts(cached):
    assert cached.get("/", HTTP_HOST="evil.example").status_code == 400
