import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Report
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EventFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_organiser_creates_previews_and_publishes_a_report_that_a_reader_reads(site, browser):
    organiser = UserFactory(email="org@example.com", display_name="Orga", is_staff=True)
    community = CommunityFactory(name="Container Tokyo", organisers=[organiser])
    start = timezone.now() - dt.timedelta(days=3)
    event = EventFactory(
        community=community,
        title="Container Tokyo #7",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    TalkFactory(
        event=event,
        title="Rootless containers",
        speakers=[SpeakerFactory(name="Akihiro Suda", affiliation="NTT")],
    )

    page = site.open("/accounts/login/")
    page.get_by_label("Email").fill("org@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="Orga")).to_be_visible()

    # Create: pick the event, the draft is assembled.
    page = site.open("/admin/reports/report/add/")
    page.get_by_label("Event").select_option(label="Container Tokyo #7")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft created from the event.")).to_be_visible()
    expect(page.get_by_text("Rootless containers").first).to_be_visible()

    # Edit and preview.
    page.get_by_label("Title").fill("Container Tokyo #7: the report")
    page.get_by_label("Lead:", exact=True).fill("Rootless containers, for everyone.")
    page.get_by_label("Summary (Markdown)").fill("Running the runtime **without root**.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Preview: this report is a draft.")).to_be_visible()
    expect(page.get_by_role("heading", name="Container Tokyo #7: the report")).to_be_visible()

    reader = browser.new_context(locale="en-US")
    reader_page = reader.new_page()
    response = reader_page.goto(f"{site.live_url}/reports/{event.pk}/")
    assert response.status == 404

    # Publish.
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Published. Readers can now see the report.")).to_be_visible()
    assert Report.objects.get(event=event).status == Report.Status.PUBLISHED

    # An anonymous reader finds it in the list and reads it.
    reader_page.goto(f"{site.live_url}/reports/")
    reader_page.get_by_role("link", name="Container Tokyo #7: the report").click()
    expect(
        reader_page.get_by_role("heading", name="Container Tokyo #7: the report")
    ).to_be_visible()
    expect(reader_page.get_by_text("Rootless containers, for everyone.")).to_be_visible()
    expect(reader_page.get_by_text("Akihiro Suda")).to_be_visible()
    expect(reader_page.locator("strong", has_text="without root")).to_be_visible()
    expect(reader_page.get_by_role("link", name="Back to the event page")).to_be_visible()
    reader.close()
