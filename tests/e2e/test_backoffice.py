"""An organiser at work in Chromium: draw the lottery, check people in, export the list."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration
from events.registration import checkin as checkin_tokens
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lottery_closed():
    organiser = UserFactory(is_staff=True, email="door@example.com", display_name="Door")
    event = EventFactory(community=CommunityFactory(organisers=[organiser]), title="Docker #42")
    ticket_type = TicketTypeFactory(
        event=event,
        lottery=True,
        capacity=2,
        opens_at=timezone.now() - dt.timedelta(days=7),
        closes_at=timezone.now() - dt.timedelta(minutes=10),
    )
    for name in ["Aiko", "Botan", "Chika", "Daichi"]:
        RegistrationFactory(
            ticket_type=ticket_type,
            status=Registration.Status.PENDING,
            user=UserFactory(display_name=name),
        )
    return event, ticket_type


def _log_in(site, email):
    page = site.open("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="Door")).to_be_visible()
    return page


def test_organiser_draws_checks_in_and_exports(site, lottery_closed):
    event, ticket_type = lottery_closed
    page = _log_in(site, "door@example.com")

    # Draw the lottery from the dashboard, through its confirmation page.
    page = site.open(reverse("admin:events_event_dashboard", args=[event.pk]))
    expect(page.get_by_role("heading", name="General (lottery)")).to_be_visible()
    page.get_by_role("link", name="Run the lottery…").click()
    expect(page.get_by_text("2 people get “You have a seat”, with their receipt.")).to_be_visible()
    page.get_by_role("button", name="Draw the lottery for “General (lottery)”").click()
    expect(page.get_by_text("2 of 4 entries won a seat")).to_be_visible()
    winners = list(
        Registration.objects.filter(ticket_type=ticket_type, status=Registration.Status.ACCEPTED)
        .select_related("user")
        .order_by("draw_rank")
    )
    assert len(winners) == 2

    # Check in the first winner by typing the receipt at the door.
    first, second = winners
    page.get_by_role("link", name="Check-in", exact=True).first.click()
    page.get_by_label("Receipt number").fill(first.receipt.lower())
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_text(first.user.name, exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Check in {first.user.name}").click()
    expect(page.get_by_text(f"{first.user.name} is checked in")).to_be_visible()
    expect(page.get_by_label("Receipt number")).to_be_visible()

    # Check in the second through the URL in their receipt's QR code.
    token = checkin_tokens.make_token(second)
    page = site.open(reverse("events:checkin", args=[token]))
    page.get_by_role("button", name=f"Check in {second.user.name}").click()
    expect(page.get_by_text("Checked in.")).to_be_visible()
    checked = Registration.objects.filter(event=event, checked_in_at__isnull=False)
    assert sorted(checked.values_list("pk", flat=True)) == sorted([first.pk, second.pk])

    # Export the CSV from the dashboard.
    page = site.open(reverse("admin:events_event_dashboard", args=[event.pk]))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    raw = Path(download_info.value.path()).read_bytes()
    lines = raw.decode("utf-8").splitlines()
    assert raw.startswith("\ufeff".encode())
    assert (
        lines[0]
        == "\ufeffreceipt,name,e-mail,ticket type,status,draw rank,waitlist place,applied,checked in"
    )
    assert len(lines) == 5
