import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.models import AuditLog, Registration
from reports import figures, publishing
from reports.models import Report, TalkSummary
from reports.publishing import ReportError
from tests.factories import (
    MaterialFactory,
    RegistrationFactory,
    ReportFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def image_upload(width, height, fmt="PNG", name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (47, 91, 211)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# -- Figures


def test_compute_figures_counts_seats_applicants_and_attendance(event_with_registrations, drawn_at):
    result = figures.compute(event_with_registrations)

    assert {k: v for k, v in result.items() if k != "ticket_types"} == {
        "seats": 5,
        "applicants": 9,  # 5 accepted + 4 waitlisted; cancelled and rejected are not applicants
        "applicants_per_seat": 1.8,
        "lottery_drawn_at": drawn_at.isoformat(),
        "accepted": 5,
        "waitlisted": 4,
        "pending": 0,
        "cancelled": 1,
        "rejected": 1,
        "checked_in": 3,
        "no_shows": 2,
        "attendance_rate": 0.6,
    }
    assert [
        (row["capacity"], row["applicants"], row["accepted"], row["checked_in"])
        for row in result["ticket_types"]
    ] == [(3, 7, 3, 2), (2, 2, 2, 1)]


def test_compute_figures_counts_a_person_once_after_reapplying(past_event, past_ticket_type):
    user = UserFactory()
    RegistrationFactory(user=user, ticket_type=past_ticket_type, status="cancelled")
    RegistrationFactory(user=user, ticket_type=past_ticket_type)

    result = figures.compute(past_event)

    assert (result["applicants"], result["accepted"]) == (1, 1)


def test_compute_figures_without_ticket_types_has_no_ratios(past_event):
    result = figures.compute(past_event)

    assert (result["seats"], result["applicants_per_seat"], result["attendance_rate"]) == (
        0,
        None,
        None,
    )


# -- The draft


def test_create_draft_prefills_title_lead_figures_and_summaries(
    event_with_registrations, organiser
):
    talks = [TalkFactory(event=event_with_registrations, position=p) for p in (2, 1)]

    report = publishing.create_draft(event_with_registrations, by=organiser)

    assert report.status == Report.Status.DRAFT
    assert report.title == f"{event_with_registrations.title} report"
    assert report.lead == event_with_registrations.catch
    assert report.figures["applicants"] == 9
    assert report.last_edited_by == organiser
    assert list(
        report.talk_summaries.order_by("talk__position").values_list("talk", "summary")
    ) == [
        (talks[1].pk, ""),
        (talks[0].pk, ""),
    ]
    assert AuditLog.objects.filter(action="report.create_draft").count() == 1


def test_create_draft_refuses_an_event_that_has_not_ended(future_event, organiser):
    with pytest.raises(ReportError) as refused:
        publishing.create_draft(future_event, by=organiser)

    end = timezone.localtime(future_event.ends_at, future_event.tzinfo)
    assert str(refused.value) == (
        f"The event has not ended yet; write its report after {end:%Y-%m-%d %H:%M}."
    )
    assert Report.objects.count() == 0


def test_create_draft_refuses_a_second_report(past_event, organiser):
    publishing.create_draft(past_event, by=organiser)

    with pytest.raises(ReportError, match="already has a report"):
        publishing.create_draft(past_event, by=organiser)
    assert Report.objects.count() == 1


# -- Publishing


def test_publish_snapshots_figures_and_sets_the_date(event_with_registrations, organiser):
    report = publishing.create_draft(event_with_registrations, by=organiser)

    published = publishing.publish(report, by=organiser)

    assert published.status == Report.Status.PUBLISHED
    assert published.published_at is not None
    assert published.figures["checked_in"] == 3


def test_published_figures_stay_frozen_after_later_cancellations(
    event_with_registrations, organiser
):
    report = publishing.publish(
        publishing.create_draft(event_with_registrations, by=organiser), by=organiser
    )
    Registration.objects.filter(
        event=event_with_registrations, status="accepted", checked_in_at__isnull=True
    ).update(status=Registration.Status.CANCELLED)

    report.refresh_from_db()

    assert (report.figures["accepted"], report.figures["attendance_rate"]) == (5, 0.6)


def test_refresh_figures_takes_them_again(event_with_registrations, organiser):
    report = publishing.publish(
        publishing.create_draft(event_with_registrations, by=organiser), by=organiser
    )
    Registration.objects.filter(
        event=event_with_registrations, status="accepted", checked_in_at__isnull=True
    ).update(status=Registration.Status.CANCELLED)

    refreshed = publishing.refresh_figures(report, by=organiser)

    assert (refreshed.figures["accepted"], refreshed.figures["attendance_rate"]) == (3, 1.0)


def test_refresh_figures_adds_summaries_for_new_talks(past_event, organiser):
    report = publishing.create_draft(past_event, by=organiser)
    talk = TalkFactory(event=past_event)

    publishing.refresh_figures(report, by=organiser)

    assert list(report.talk_summaries.values_list("talk", flat=True)) == [talk.pk]


def test_publish_refuses_an_event_that_has_not_ended(future_event, organiser):
    # A draft made before the event was moved to a later date.
    report = ReportFactory(event=future_event, status=Report.Status.DRAFT, published_at=None)

    with pytest.raises(ReportError, match="has not ended yet"):
        publishing.publish(report, by=organiser)
    report.refresh_from_db()
    assert (report.status, report.published_at) == (Report.Status.DRAFT, None)


def test_publish_refuses_an_empty_title(past_event, organiser):
    report = publishing.create_draft(past_event, by=organiser)
    Report.objects.filter(pk=report.pk).update(title="   ")

    with pytest.raises(ReportError, match="Give the report a title"):
        publishing.publish(report, by=organiser)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_publish_again_keeps_the_first_publication_date(past_event, organiser):
    report = publishing.publish(publishing.create_draft(past_event, by=organiser), by=organiser)
    first = report.published_at
    publishing.unpublish(report, by=organiser)

    again = publishing.publish(report, by=organiser)

    assert again.published_at == first


def test_unpublish_makes_it_a_draft(past_event, organiser):
    report = publishing.publish(publishing.create_draft(past_event, by=organiser), by=organiser)

    result = publishing.unpublish(report, by=organiser)

    assert result.status == Report.Status.DRAFT


def test_unpublish_a_draft_is_refused(past_event, organiser):
    report = publishing.create_draft(past_event, by=organiser)

    with pytest.raises(ReportError, match="not published"):
        publishing.unpublish(report, by=organiser)


# -- Cover images


def test_prepare_cover_resizes_a_wide_image_to_1600_px():
    cover = publishing.prepare_cover(image_upload(3200, 1000, "JPEG", "wide photo.jpg"))

    with Image.open(cover) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 500))
    assert cover.name == "wide photo.jpg"


def test_prepare_cover_keeps_a_small_png():
    cover = publishing.prepare_cover(image_upload(800, 420))

    with Image.open(cover) as image:
        assert (image.format, image.size) == ("PNG", (800, 420))


def test_prepare_cover_refuses_an_oversized_upload():
    upload = SimpleUploadedFile("huge.png", b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png")

    with pytest.raises(ReportError, match="too large"):
        publishing.prepare_cover(upload)


def test_prepare_cover_refuses_a_file_that_is_not_an_image():
    upload = SimpleUploadedFile("cover.png", b"<svg onload=alert(1)>", content_type="image/png")

    with pytest.raises(ReportError, match="must be a JPEG, PNG or WebP file"):
        publishing.prepare_cover(upload)


def test_prepare_cover_refuses_an_image_format_not_allowed():
    with pytest.raises(ReportError, match="must be a JPEG, PNG or WebP file"):
        publishing.prepare_cover(image_upload(100, 100, "BMP", "cover.bmp"))


# -- Markdown


def test_report_markdown_with_script_and_iframe_renders_inert(client, past_event):
    talk = TalkFactory(event=past_event, speakers=[SpeakerFactory()])
    report = ReportFactory(
        event=past_event,
        body=(
            "Hello <script>alert('body')</script>\n\n<iframe src=\"https://evil.example\"></iframe>"
            "\n\n[click](javascript:alert(1))"
        ),
    )
    TalkSummary.objects.create(report=report, talk=talk, summary="<script>alert('talk')</script>")
    MaterialFactory(event=past_event)

    html = client.get(reverse("reports:report_detail", args=[past_event.pk])).content.decode()

    assert "<script>alert" not in html
    assert "<iframe" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert('talk')&lt;/script&gt;" in html
