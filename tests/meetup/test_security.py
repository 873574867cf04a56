"""Sessions, CSRF, secrets in logs and uploaded images."""

import datetime as dt
import io
import logging

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from accounts.models import ApiKey, User
from core import images
from events.backoffice.forms import CommunityAdminForm, EventAdminForm
from events.models import Community, Event, Registration
from talks.models import Material
from tests.factories import (
    PASSWORD,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# -- Sessions --------------------------------------------------------------------------------


def test_login_rotates_the_session_key(client):
    user = UserFactory()
    session = client.session
    session["visited"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    after = client.cookies["sessionid"].value
    assert (response.status_code, client.session["_auth_user_id"]) == (302, str(user.pk))
    assert after != before


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    before = client.cookies["sessionid"].value

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
    assert client.cookies["sessionid"].value != before


# -- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_world():
    started = timezone.now() - dt.timedelta(hours=1)
    past_event = EventFactory(starts_at=started, ends_at=started + dt.timedelta(hours=3))
    registration = RegistrationFactory(
        ticket_type=TicketTypeFactory(
            event=past_event, opens_at=started - dt.timedelta(days=9), closes_at=started
        )
    )
    ticket_type = TicketTypeFactory()
    return {
        "user": registration.user,
        "registration": registration,
        "ticket_type": ticket_type,
        "past_event": past_event,
    }


def _csrf_cases(world):
    registration = world["registration"]
    return {
        "apply": (
            reverse("events:apply", args=[world["ticket_type"].event_id]),
            {"ticket_type": world["ticket_type"].pk},
            lambda: Registration.objects.filter(ticket_type=world["ticket_type"]).count(),
        ),
        "cancel": (
            reverse("events:cancel", args=[registration.receipt]),
            {},
            lambda: Registration.objects.get(pk=registration.pk).status,
        ),
        "material": (
            reverse("talks:submit_material", args=[world["past_event"].pk]),
            {"kind": "blog", "url": "https://blog.example.com/csrf", "title": "Mine"},
            lambda: Material.objects.count(),
        ),
        "profile": (
            reverse("accounts:profile"),
            {"display_name": "Changed by someone else"},
            lambda: User.objects.get(pk=world["user"].pk).display_name,
        ),
    }


@pytest.mark.parametrize("case", ["apply", "cancel", "material", "profile"])
def test_post_without_csrf_token_is_403_and_changes_nothing(csrf_world, case):
    url, data, state = _csrf_cases(csrf_world)[case]
    client = Client(enforce_csrf_checks=True)
    client.force_login(csrf_world["user"])
    before = state()

    response = client.post(url, data)

    assert (response.status_code, state()) == (403, before)


@pytest.mark.parametrize("case", ["apply", "cancel", "material", "profile"])
def test_post_with_csrf_token_goes_through(csrf_world, case):
    url, data, state = _csrf_cases(csrf_world)[case]
    client = Client(enforce_csrf_checks=True)
    client.force_login(csrf_world["user"])
    client.get(reverse("accounts:profile"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    before = state()

    response = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert state() != before


def test_htmx_post_with_the_header_token_goes_through(csrf_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(csrf_world["user"])
    client.get(reverse("accounts:profile"))
    ticket_type = csrf_world["ticket_type"]

    response = client.post(
        reverse("events:apply", args=[ticket_type.event_id]),
        {"ticket_type": ticket_type.pk},
        headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 200
    assert Registration.objects.filter(ticket_type=ticket_type).count() == 1


def test_pages_for_signed_in_users_carry_the_htmx_csrf_header(client):
    client.force_login(UserFactory())

    response = client.get(reverse("events:me"))

    assert response.text.count('data-hx-headers=\'{"X-CSRFToken": "') == 1


# -- Secrets in logs -------------------------------------------------------------------------


def test_draw_logs_no_seed(caplog):
    caplog.set_level(logging.DEBUG)
    ticket_type = TicketTypeFactory(
        lottery=True,
        capacity=1,
        opens_at=timezone.now() - dt.timedelta(days=2),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    for _ in range(3):
        RegistrationFactory(ticket_type=ticket_type, status=Registration.Status.PENDING)
    seed = bytes(ticket_type.seed).hex()

    out = io.StringIO()
    call_command("draw", str(ticket_type.pk), stdout=out, stderr=out)

    ticket_type.refresh_from_db()
    assert (ticket_type.drawn_at is not None, len(seed)) == (True, 64)
    assert seed not in caplog.text + out.getvalue()
    assert seed.upper() not in caplog.text + out.getvalue()


def test_api_key_creation_and_use_log_no_key(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = UserFactory()
    out = io.StringIO()

    call_command("create_api_key", user.nickname, stdout=out)
    raw_key = out.getvalue().strip().split()[-1]
    client.force_login(user)
    page = client.post(reverse("api_keys"), {"name": "laptop"})
    client.get("/api/v2/events/", headers={"X-API-Key": raw_key})
    client.get("/api/v2/events/", headers={"X-API-Key": raw_key + "x"})

    assert (ApiKey.objects.filter(user=user).count(), page.status_code) == (2, 200)
    assert len(raw_key) >= 32
    assert raw_key not in caplog.text


# -- Uploaded images -------------------------------------------------------------------------


def png_bytes(width=40, height=20, trailer=b""):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue() + trailer


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _bound(form_class, field, file):
    """The admin's form with only the image field, bound to an upload."""
    model = {CommunityAdminForm: Community, EventAdminForm: Event}[form_class]
    form = forms.modelform_factory(model, form=form_class, fields=[field])
    return form(data={}, files={field: file})


IMAGES = [(CommunityAdminForm, "logo"), (EventAdminForm, "image")]
NOT_AN_IMAGE = (
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)
NOT_ALLOWED = "The image must be a JPEG, PNG or WebP file."


@pytest.mark.parametrize("form_class, field", IMAGES)
def test_admin_image_field_refuses_a_file_that_is_not_an_image(form_class, field):
    form = _bound(form_class, field, upload("evil.png", b"<script>alert(1)</script>"))

    assert (form.is_valid(), form.errors[field]) == (False, [NOT_AN_IMAGE])


@pytest.mark.parametrize("form_class, field", IMAGES)
def test_admin_image_field_refuses_an_oversized_upload(form_class, field, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    form = _bound(form_class, field, upload("big.png", png_bytes(200, 200)))

    assert form.is_valid() is False
    assert form.errors[field][0].startswith("The image is too large")


@pytest.mark.parametrize("form_class, field", IMAGES)
def test_admin_image_field_reencodes_a_polyglot_into_a_plain_image(form_class, field):
    html = b"<html><script>alert(1)</script></html>"
    form = _bound(form_class, field, upload("logo.png", png_bytes(trailer=html)))

    assert form.is_valid() is True, form.errors
    content = form.cleaned_data[field].read()
    assert (content.startswith(b"\x89PNG"), html in content) == (True, False)


@pytest.mark.parametrize("form_class, field", IMAGES)
def test_admin_image_field_refuses_formats_other_than_jpeg_png_webp(form_class, field):
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

    errors = [
        _bound(form_class, field, upload("a.gif", gif.getvalue(), "image/gif")).errors[field],
        _bound(form_class, field, upload("a.svg", svg, "image/svg+xml")).errors[field],
    ]

    assert errors == [[NOT_ALLOWED], [NOT_AN_IMAGE]]


def test_admin_image_field_keeps_a_good_image_and_names_it_by_its_format():
    form = _bound(EventAdminForm, "image", upload("photo.jpeg.png", png_bytes(2000, 100)))

    assert form.is_valid() is True
    with Image.open(form.cleaned_data["image"]) as image:
        assert (form.cleaned_data["image"].name, image.size) == ("photo.jpeg.png", (1600, 80))


def test_community_and_event_admins_use_the_checked_forms():
    assert (admin.site._registry[Community].form, admin.site._registry[Event].form) == (
        CommunityAdminForm,
        EventAdminForm,
    )
