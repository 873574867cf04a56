import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from talks.models import Material
from tests.factories import PASSWORD, CommunityFactory, EventFactory, TalkFactory, UserFactory
from tests.talks.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "My report of Docker Meetup Tokyo #23"
URL = "https://blog.example.com/docker-meetup-tokyo-23"


def log_in(site, email):
    page = site.open("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    return page


def test_participant_shares_blog_link_organiser_approves_it_and_readers_see_it(site):
    organiser = UserFactory(email="organiser@example.com", is_staff=True)
    start = timezone.now() - dt.timedelta(hours=2)
    event = EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    TalkFactory(event=event, title="gVisor network benchmark")
    register(event, user=UserFactory(email="hamako@example.com", display_name="Hamako"))

    # A participant shares the link to their blog report from the event page.
    page = log_in(site, "hamako@example.com")
    page = site.open(event.get_absolute_url())
    page.get_by_label("What is it?").select_option(label="My blog report")
    page.get_by_label("Link").fill(URL)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Share the link").click()
    expect(
        page.get_by_text("Thank you! Your link will appear here once an organiser approves it.")
    ).to_be_visible()
    assert Material.objects.get().approved is False
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    # The organiser approves it in the back office.
    page.context.clear_cookies()
    page = log_in(site, "organiser@example.com")
    page = site.open("/admin/talks/material/?status=pending")
    page.get_by_role("checkbox", name=f"Select this object for an action - {TITLE}").check()
    page.get_by_role("combobox", name="Action").select_option(label="Approve selected materials")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 material approved.")).to_be_visible()

    # A reader sees it under "Reports by participants".
    page.context.clear_cookies()
    page = site.open(event.get_absolute_url())
    link = page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", URL)
    expect(page.get_by_text("By Hamako")).to_be_visible()


def test_video_embed_loads_only_after_click(site):
    start = timezone.now() - dt.timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    TalkFactory(event=event, title="Recorded talk", video_url="https://youtu.be/dQw4w9WgXcQ")
    requested = []
    site.on("request", lambda request: requested.append(request.url))
    site.route("https://www.youtube-nocookie.com/**", lambda route: route.abort())

    page = site.open(event.get_absolute_url())
    button = page.get_by_role("button", name="Show here (loads YouTube)")
    expect(button).to_be_visible()
    assert [url for url in requested if "youtube" in url] == []

    button.click()

    expect(page.locator("iframe[title='Recorded talk']")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
