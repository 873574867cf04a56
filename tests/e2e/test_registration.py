import pytest
from playwright.sync_api import expect

from events.models import Registration
from tests.factories import PASSWORD, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, site, user):
    site.open("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text=user.name)).to_be_visible()


def test_apply_see_status_cancel_and_next_person_moves_up(site, browser):
    tt = TicketTypeFactory(capacity=1, name="General")
    holder, waiting = UserFactory(display_name="Holder"), UserFactory(display_name="Waiting")
    page = site
    # The first person takes the only seat in the browser.
    log_in(page, site, holder)
    site.open(tt.event.get_absolute_url())
    page.get_by_role("group", name="General").get_by_role("button", name="Get a seat").click()
    status = page.locator("#status-box")
    expect(status.get_by_text("Accepted: you have a seat")).to_be_visible()

    # The second person, in another browser context, lands on the waitlist.
    other = browser.new_context(locale="en-US")
    second = other.new_page()
    second.goto(site.live_url + "/accounts/login/")
    second.get_by_label("Email").fill(waiting.email)
    second.get_by_label("Password").fill(PASSWORD)
    second.get_by_role("button", name="Log in").click()
    second.goto(site.live_url + tt.event.get_absolute_url())
    second.get_by_role("button", name="Join the waitlist (#1)").click()
    expect(second.locator("#status-box").get_by_text("Waitlist #1")).to_be_visible()

    # The first person cancels, with the confirmation step.
    page.get_by_role("link", name="Cancel registration…").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(status.get_by_text("Cancelled by you", exact=True)).to_be_visible()

    # The second person has moved up.
    second.reload()
    expect(second.locator("#status-box").get_by_text("Accepted: you have a seat")).to_be_visible()
    assert Registration.objects.get(user=waiting).status == Registration.Status.ACCEPTED
    other.close()


def test_apply_and_cancel_work_without_javascript(site, browser, live_server):
    tt = TicketTypeFactory(capacity=5, name="General")
    user = UserFactory()
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + tt.event.get_absolute_url())
    page.get_by_role("button", name="Get a seat").click()
    expect(page.get_by_role("status").get_by_text("You have a seat.")).to_be_visible()
    page.get_by_role("link", name="Show receipt").click()
    expect(page.get_by_role("img", name="QR code for check-in at the door")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Cancel registration…").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    assert Registration.objects.get(user=user).status == Registration.Status.CANCELLED
    context.close()
