"""An organiser's evening in the back office, in Japanese, in Chromium: the home with the
approvals, the next event in one click, a talk with a new speaker, two attendees apply, close
and draw from the lottery screen, check one person in, the report with a photo, and a reader
who finds it with the photo shown."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

from events.models import Event, Registration
from talks.models import Talk
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/work/notes/shots/i16")
S = Registration.Status


def ja(text, **params):
    with translation.override("ja"):
        translated = gettext(text)
    return translated % params if params else translated


@pytest.fixture
def evening(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    organiser = UserFactory(is_staff=True, email="aiko@example.com", display_name="Aiko")
    community = CommunityFactory(organisers=[organiser], name="Docker Meetup Tokyo")
    starts = timezone.now() + dt.timedelta(days=3)
    last = EventFactory(
        community=community,
        number=24,
        title="Docker Meetup Tokyo #24",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        venue_name="Shibuya Hall",
    )
    TicketTypeFactory(
        event=last,
        lottery=True,
        name="一般（抽選）",
        capacity=1,
        opens_at=starts - dt.timedelta(days=10),
        closes_at=starts - dt.timedelta(days=1),
        lottery_at=starts - dt.timedelta(days=1),
    )
    lt = TicketTypeFactory(
        event=last,
        approval=True,
        name="LT枠",
        capacity=5,
        opens_at=starts - dt.timedelta(days=10),
        closes_at=starts - dt.timedelta(days=1),
    )
    for name in ["Kenji", "Mika"]:
        RegistrationFactory(ticket_type=lt, status=S.PENDING, user=UserFactory(display_name=name))
    attendees = [UserFactory(display_name=name) for name in ["Hana", "Taro"]]
    return {"organiser": organiser, "community": community, "last": last, "attendees": attendees}


def _context(browser, live_server, user=None, width=1280):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _photo(tmp_path) -> Path:
    path = tmp_path / "party.jpg"
    Image.new("RGB", (2000, 1500), "#2f5bd3").save(path, format="JPEG")
    return path


def test_organiser_evening_in_japanese(browser, live_server, evening, tmp_path):
    url = live_server.url
    context, page = _context(browser, live_server)

    # Log in as the organiser, in Japanese.
    page.goto(url + "/accounts/login/")
    page.get_by_label(ja("Email")).fill("aiko@example.com")
    page.get_by_label(ja("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ja("Sign In")).click()

    # The home: pending approvals; approve one in place.
    page.goto(url + reverse("admin:index"))
    approvals = page.locator("#approvals")
    expect(approvals.get_by_text("Kenji")).to_be_visible()
    expect(approvals.get_by_text("Mika")).to_be_visible()
    page.screenshot(path=SHOTS / "home-1280-ja.png", full_page=True)
    approvals.get_by_role("listitem").filter(has_text="Kenji").get_by_role(
        "button", name=ja("Approve")
    ).click()
    expect(page.locator("#approvals").get_by_text("Kenji")).to_have_count(0)
    assert Registration.objects.get(user__display_name="Kenji").status == S.ACCEPTED

    # The next event in one click: five days from now, so its applications open at once.
    page.get_by_role("link", name=ja("Next event")).click()
    day = timezone.localdate() + dt.timedelta(days=5)
    page.get_by_label(ja("The new event starts on")).fill(day.isoformat())
    page.get_by_role("button", name=ja("Create the draft")).click()
    new = Event.objects.get(number=25)
    expect(page).to_have_url(url + reverse("admin:events_event_change", args=[new.pk]))

    # The editor: a talk with a new speaker, then publish.
    with translation.override("ja"):
        add_talk = gettext("Add another %(verbose_name)s") % {
            "verbose_name": capfirst(Talk._meta.verbose_name)
        }
    page.get_by_role("button", name=add_talk).click()
    page.locator('[name="talks-0-title"]').fill("コンテナの本番運用")
    page.locator('[name="talks-0-speaker_names"]').fill("佐藤 愛子")
    page.get_by_label(ja("status")).select_option("published")
    page.screenshot(path=SHOTS / "editor-1280-ja.png", full_page=True)
    page.get_by_role("button", name=ja("Save"), exact=True).click()
    new.refresh_from_db()
    assert new.status == Event.Status.PUBLISHED
    assert [s.name for s in Talk.objects.get(event=new).speakers.all()] == ["佐藤 愛子"]
    lottery = new.ticket_types.get(allocation="lottery")

    # Two attendees apply to the lottery.
    for attendee in evening["attendees"]:
        other, apply_page = _context(browser, live_server, attendee, width=390)
        apply_page.goto(url + new.get_absolute_url())
        choice = apply_page.get_by_role("group", name=lottery.name)
        with apply_page.expect_response(lambda response: "/apply/" in response.url):
            choice.get_by_role("button", name=ja("Enter the lottery")).click()
        expect(apply_page.get_by_role("button", name=ja("Enter the lottery"))).to_have_count(0)
        other.close()
    assert lottery.registrations.filter(status=S.PENDING).count() == 2

    # Close applications now and draw, from the lottery screen.
    page.goto(url + reverse("admin:events_event_draw", args=[new.pk, lottery.pk]))
    expect(page.get_by_text(ja("What e-mails go out:"))).to_be_visible()
    page.get_by_role("button", name=ja("Close applications now")).click()
    page.get_by_role(
        "button", name=ja("Draw the lottery for “%(name)s”", name=lottery.name)
    ).click()
    expect(page).to_have_url(url + reverse("admin:events_event_dashboard", args=[new.pk]))
    winner = lottery.registrations.get(status=S.ACCEPTED)

    # Check the winner in at the door.
    page.goto(url + reverse("admin:events_event_checkin", args=[new.pk]))
    page.get_by_label(ja("Receipt number")).fill(winner.receipt)
    page.get_by_role("button", name=ja("Look up")).click()
    page.get_by_role("button", name=ja("Check in %(name)s", name=winner.user.name)).click()
    expect(page.locator(".bo-result")).to_be_visible()
    winner.refresh_from_db()
    assert winner.checked_in_at is not None

    # The evening ends; write the report with one photo and publish it.
    Event.objects.filter(pk=new.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=4),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    page.goto(url + reverse("admin:reports_report_create", args=[new.pk]))
    page.get_by_role("button", name=ja("Create draft")).click()
    page.get_by_label(ja("body (Markdown)")).fill(
        "## 当日の様子\n\n満員の会場で、質問が絶えませんでした。"
    )
    page.locator('[name="photos-0-image"]').set_input_files(_photo(tmp_path))
    page.locator('[name="photos-0-alt_text"]').fill("登壇者と満員の会場")
    page.screenshot(path=SHOTS / "report-editor-1280-ja.png", full_page=True)
    page.get_by_role("button", name=ja("Save and publish")).click()
    expect(page.locator(".messagelist")).to_contain_text(
        ja("Published. Readers can now see the report.")
    )

    # A reader finds it, with the photo shown.
    reader, reader_page = _context(browser, live_server)
    reader_page.goto(url + "/reports/")
    reader_page.get_by_role("link", name=new.report.title).first.click()
    photo = reader_page.get_by_role("img", name="登壇者と満員の会場")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1600
    reader_page.screenshot(path=SHOTS / "report-1280-reader-ja.png", full_page=True)
    reader.close()

    # The home at phone width.
    phone, phone_page = _context(browser, live_server, evening["organiser"], width=390)
    phone_page.goto(url + reverse("admin:index"))
    phone_page.screenshot(path=SHOTS / "home-390-ja.png", full_page=True)
    phone.close()
    context.close()
