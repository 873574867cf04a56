import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration, TicketType
from tests.factories import PASSWORD, RegistrationFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_apply_to_lottery_organiser_draws_applicant_sees_result(site):
    tt = TicketTypeFactory(lottery=True, capacity=2, name="General (lottery)")
    for _ in range(3):
        RegistrationFactory(ticket_type=tt, status=Registration.Status.PENDING)
    applicant = UserFactory(display_name="Applicant")
    page = site

    # The applicant applies in the browser and waits for the lottery.
    site.open("/accounts/login/")
    page.get_by_label("Email").fill(applicant.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    site.open(tt.event.get_absolute_url())
    page.get_by_role("group", name="General (lottery)").get_by_role(
        "button", name="Enter the lottery"
    ).click()
    status = page.locator("#status-box")
    expect(status.get_by_text("Awaiting the lottery on")).to_be_visible()

    # Applications close; the organiser draws.
    closed = timezone.now() - dt.timedelta(minutes=1)
    TicketType.objects.filter(pk=tt.pk).update(closes_at=closed, lottery_at=closed)
    call_command("draw", str(tt.pk), "--no-mail", stdout=io.StringIO())

    # The applicant sees the result, with the date of the draw.
    page.reload()
    mine = Registration.objects.get(user=applicant)
    if mine.status == Registration.Status.ACCEPTED:
        expect(status.get_by_text("Accepted: you have a seat")).to_be_visible()
    else:
        expect(status.get_by_text(f"Waitlist #{mine.waitlist_position}")).to_be_visible()
    expect(status.get_by_text("Lottery drawn on")).to_be_visible()

    # …and can check their row in the public record.
    status.get_by_role("link", name="Check the draw").click()
    expect(page.get_by_role("heading", name="The lottery, in the open")).to_be_visible()
    expect(page.get_by_text(f"Receipt {mine.receipt} has rank {mine.draw_rank}.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=mine.receipt)
    expect(row).to_have_attribute("aria-current", "true")
