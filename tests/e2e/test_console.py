"""No console errors (CSP violations, failed scripts, 4xx/5xx resources) on any public page, the
pages of a signed-in attendee, or the door's check-in pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from events.models import Event, Registration
from events.registration import checkin as checkin_tokens

pytestmark = pytest.mark.django_db(transaction=True)


def public_pages():
    past = Event.objects.get(number=23, community__slug="docker-tokyo")
    upcoming = Event.objects.published().exclude(pk=past.pk).order_by("starts_at").first()
    talk = past.talks.order_by("position").first()
    speaker = talk.speakers.order_by("pk").first()
    return [
        "/",
        "/events/",
        "/events/?when=past",
        upcoming.get_absolute_url(),
        past.get_absolute_url(),
        f"/events/{past.pk}/lottery/",
        talk.get_absolute_url(),
        speaker.get_absolute_url(),
        past.community.get_absolute_url(),
        "/reports/",
        f"/reports/{past.pk}/",
        "/api/v2/docs/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


def signed_in_pages(registration):
    return ["/me/", registration.get_absolute_url(), registration.event.get_absolute_url()]


def login(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("meetup-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_no_console_errors_on_public_and_check_in_pages(browser, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 800})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    base = live_server.url

    for path in public_pages():
        page.goto(base + path)
    page.goto(base + "/")
    page.get_by_text("Menu").click()  # the phone menu opens without a console complaint

    registration = Registration.objects.select_related("event", "user").get(
        user__email="hamako9999@example.com", status=Registration.Status.ACCEPTED
    )
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=None)
    login(page, base, registration.user.email)
    for path in signed_in_pages(registration):
        page.goto(base + path)
    context.clear_cookies()

    organiser = User.objects.get(email="organiser@example.com")
    login(page, base, organiser.email)
    page.goto(base + reverse("admin:events_event_checkin", args=[registration.event_id]))
    page.get_by_label("Receipt number").fill(registration.receipt)
    page.get_by_role("button", name="Look up").click()
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("is checked in").wait_for()
    page.goto(base + reverse("events:checkin", args=[checkin_tokens.make_token(registration)]))
    context.close()

    assert errors == []
