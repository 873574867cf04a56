"""The report's photo gallery: uploaded from the editor, re-encoded, alt text required."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reports import publishing
from reports.models import Report, ReportPhoto
from tests.factories import EventFactory, ReportFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }


def _jpeg_with_gps(size=(2400, 1800)) -> bytes:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 39.0, 29.0), 3: "E", 4: (139.0, 42.0, 1.0)}  # GPS
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _photo_data(report, upload, alt="Speakers on stage"):
    return {
        "title": report.title,
        "lead": report.lead,
        "lead_en": "",
        "body": report.body,
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "photos-0-position": "1",
        "photos-0-image": upload,
        "photos-0-alt_text": alt,
        "photos-0-caption": "",
        "photos-0-report": str(report.pk),
        "talk_summaries-TOTAL_FORMS": "0",
        "talk_summaries-INITIAL_FORMS": "0",
        "talk_summaries-MIN_NUM_FORMS": "0",
        "talk_summaries-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def report(past_event, organiser):
    return publishing.create_draft(past_event, by=organiser)


def _post(client, report, data):
    return client.post(reverse("admin:reports_report_change", args=[report.pk]), data)


def test_photo_upload_is_resized_and_loses_its_location(client, organiser, report):
    client.force_login(organiser)
    upload = SimpleUploadedFile("day.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    response = _post(client, report, _photo_data(report, upload))

    assert response.status_code == 302
    photo = ReportPhoto.objects.get(report=report)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (1600, 1200)
        assert dict(stored.getexif()) == {}
    assert photo.alt_text == "Speakers on stage"


def test_photo_without_alt_text_is_refused(client, organiser, report):
    client.force_login(organiser)
    upload = SimpleUploadedFile("day.jpg", _jpeg_with_gps((200, 100)), content_type="image/jpeg")

    response = _post(client, report, _photo_data(report, upload, alt=""))

    assert response.status_code == 200
    assert ReportPhoto.objects.count() == 0
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["alt_text"] == [
        "This field is required."
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Upload a valid image. The file you uploaded was either not an image or a "
            "corrupted image.",
        ),
        (
            "notes.jpg",
            b"not an image at all",
            "Upload a valid image. The file you uploaded was either not an image or a "
            "corrupted image.",
        ),
    ],
)
def test_photo_that_is_not_an_image_is_refused(client, organiser, report, name, content, message):
    client.force_login(organiser)
    upload = SimpleUploadedFile(name, content)

    response = _post(client, report, _photo_data(report, upload))

    assert ReportPhoto.objects.count() == 0
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["image"] == [message]


def test_prepare_photo_refuses_svg_and_large_files(monkeypatch):
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(publishing.ReportError, match="must be a JPEG, PNG or WebP file"):
        publishing.prepare_photo(svg)
    monkeypatch.setattr(publishing, "PHOTO_MAX_BYTES", 100)
    big = SimpleUploadedFile("big.jpg", _jpeg_with_gps((300, 300)))
    with pytest.raises(publishing.ReportError, match=r"The image is too large \(0\.0 MB\)"):
        publishing.prepare_photo(big)


def test_photo_too_large_is_refused_in_place(client, organiser, report, monkeypatch):
    monkeypatch.setattr(publishing, "PHOTO_MAX_BYTES", 1024)
    client.force_login(organiser)
    upload = SimpleUploadedFile("day.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    response = _post(client, report, _photo_data(report, upload))

    errors = response.context["inline_admin_formsets"][0].formset.errors[0]["image"]
    assert errors[0].startswith("The image is too large (")
    assert ReportPhoto.objects.count() == 0


def test_photo_upload_into_another_communitys_report_is_404(client, organiser, past_event):
    other = ReportFactory(event=EventFactory())
    client.force_login(organiser)
    upload = SimpleUploadedFile("day.jpg", _jpeg_with_gps((200, 100)), content_type="image/jpeg")

    response = _post(client, other, _photo_data(other, upload))

    assert response.status_code == 404
    assert ReportPhoto.objects.count() == 0


def test_report_page_shows_story_first_gallery_and_linked_talks(client, past_event):
    talk = TalkFactory(event=past_event, title="Containers")
    report = ReportFactory(event=past_event, body="Our evening.")
    for name, alt, position in [("b.jpg", "Second", 2), ("a.jpg", "First", 1)]:
        photo = ReportPhoto(report=report, alt_text=alt, position=position)
        photo.image.save(name, ContentFile(_jpeg_with_gps((40, 30))), save=True)

    body = client.get(report.get_absolute_url()).content.decode()

    assert body.index("Our evening.") < body.index('id="photos-heading"')
    assert body.index('id="photos-heading"') < body.index('id="talks-heading"')
    assert body.index('alt="First"') < body.index('alt="Second"')
    assert f'<a href="{talk.get_absolute_url()}">Containers</a>' in body


def test_talk_page_links_back_to_the_published_report(client, past_event):
    talk = TalkFactory(event=past_event)
    report = ReportFactory(event=past_event, status=Report.Status.PUBLISHED)

    body = client.get(talk.get_absolute_url()).content.decode()

    assert report.get_absolute_url() in body


def test_report_editor_shows_figures_in_human_numbers(client, organiser, report):
    report.figures = {
        "seats": 1200,
        "applicants": 3456,
        "applicants_per_seat": 2.88,
        "accepted": 1200,
        "checked_in": 1000,
        "attendance_rate": 0.8333,
        "lottery_drawn_at": "2026-12-02T05:16:52.099977+00:00",
    }
    report.save()
    client.force_login(organiser)

    body = client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()

    assert "3,456" in body
    assert "2026-12-02T05:16:52" not in body
    assert "Dec 2, 2026, 14:16" in body
