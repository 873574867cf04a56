"""The questionnaire in Chromium: an organiser adds two questions, an attendee answers them on
a phone in Japanese, the organiser reads the summary and the CSV columns."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Answer, Registration
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    QuestionFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: Where the screenshots go (looked at by a person; the test does not compare pixels).
SHOTS = Path(os.environ.get("MEETUP_SHOTS", "/work/notes/shots/i19"))


def _shot(page, name, locator=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    (locator or page).screenshot(path=str(SHOTS / name), **({} if locator else {"full_page": True}))


def _signed_in_context(browser, live_server, user, **options):
    """A browser context already signed in as `user` (the session cookie of a test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_organiser_asks_attendee_answers_on_a_phone_in_japanese(site, browser, live_server):
    organiser = UserFactory(is_staff=True, email="org@example.com", display_name="Org")
    event = EventFactory(community=CommunityFactory(organisers=[organiser]), title="Docker #24")
    TicketTypeFactory(event=event, name="一般", capacity=50)
    attendee = UserFactory(display_name="Hanako")

    # The organiser adds two questions on the event's page in the back office.
    page = site.open("/accounts/login/")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="Org")).to_be_visible()
    site.open(reverse("admin:events_event_change", args=[event.pk]))
    add = page.get_by_text("Add another Question for applicants")
    add.click()
    first = page.locator("#questions-0")
    first.get_by_label("Kind").select_option(label="One choice")
    first.get_by_label("Required").check()
    first.get_by_label("Question (Japanese)").fill("Dockerの経験は？")
    first.get_by_label("Question (English)").fill("Your Docker experience?")
    first.get_by_label("Options").fill("初心者 | Beginner\n中級 | Intermediate\n上級 | Advanced")
    add.click()
    second = page.locator("#questions-1")
    second.get_by_label("Position").fill("1")
    second.get_by_label("Kind").select_option(label="Yes or no")
    second.get_by_label("Question (Japanese)").fill("懇親会に参加しますか？")
    second.get_by_label("Question (English)").fill("Will you join the party?")
    second.get_by_label("Party count").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert event.questions.count() == 2
    site.open(reverse("admin:events_event_change", args=[event.pk]))
    _shot(page, "questions-inline-1280.png", page.locator("#questions-group"))

    # The attendee applies on a phone, in Japanese.
    phone = _signed_in_context(
        browser,
        live_server,
        attendee,
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    mobile = phone.new_page()
    mobile.goto(live_server.url + event.get_absolute_url())
    box = mobile.locator("#status-box")
    expect(box.get_by_role("heading", name="運営からのアンケート")).to_be_visible()
    _shot(mobile, "apply-box-ja-390.png", box)
    # Sending without the required answer: the error is at the question, nothing is sent.
    box.get_by_role("radio", name="はい").check()
    box.get_by_role("button", name="参加枠を確保する").click()
    expect(box.get_by_text("この質問に回答してください。")).to_be_visible()
    expect(box.get_by_role("radio", name="はい")).to_be_checked()
    assert Registration.objects.filter(user=attendee).count() == 0
    _shot(mobile, "apply-box-error-ja-390.png", box)
    box.get_by_role("radio", name="中級").check()
    box.get_by_role("button", name="参加枠を確保する").click()
    expect(box.get_by_text("参加確定", exact=True)).to_be_visible()
    answers = Answer.objects.filter(user=attendee).order_by("question__position")
    assert list(answers.values_list("value", flat=True)) == ["中級 | Intermediate", "yes"]
    # ... and finds the answers, changeable, from /me/.
    mobile.goto(live_server.url + reverse("events:me"))
    mobile.get_by_role("link", name="アンケートの回答").click()
    expect(mobile.get_by_role("radio", name="中級")).to_be_checked()
    _shot(mobile, "my-answers-ja-390.png")
    phone.close()

    # The organiser reads the summary and the CSV columns.
    site.open(reverse("admin:events_event_dashboard", args=[event.pk]))
    party = page.get_by_text("Party: “yes” among accepted (Will you join the party?)")
    expect(party).to_be_visible()
    _shot(page, "dashboard-party-1280.png", page.locator(".bo-totals"))
    page.get_by_role("link", name="Answers", exact=True).click()
    chart = page.get_by_role("img", name="Beginner: 0, Intermediate: 1, Advanced: 0")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="Yes: 1, No: 0")).to_be_visible()
    _shot(page, "answers-summary-1280.png")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    lines = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[-2:] == [
        "Q1: Your Docker experience?",
        "Q2: Will you join the party?",
    ]
    assert lines[1].split(",")[-2:] == ["Intermediate", "Yes"]


def test_apply_button_of_one_ticket_type_skips_another_types_required_question(
    browser, live_server
):
    event = EventFactory(title="Docker #25")
    TicketTypeFactory(event=event, name="General", position=0)
    speakers = TicketTypeFactory(event=event, name="Speakers", position=1, approval=True)
    talk = QuestionFactory(event=event, text_en="Title of your talk", required=True)
    talk.ticket_types.set([speakers])
    attendee = UserFactory()
    context = _signed_in_context(browser, live_server, attendee, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + event.get_absolute_url())
    box = page.locator("#status-box")

    # Every question shows, saying which ticket type asks it; the speakers' one stays empty.
    expect(box.get_by_label("Title of your talk (required)")).to_be_visible()
    box.get_by_role("button", name="Get a seat").click()

    expect(box.get_by_text("Accepted: you have a seat")).to_be_visible()
    assert Answer.objects.filter(user=attendee).count() == 0
    context.close()
