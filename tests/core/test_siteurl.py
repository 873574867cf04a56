"""MEETUP_SITE_URL: every absolute link names the configured origin, whatever the Host."""

import io
import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.mail import EmailMessage
from django.test import RequestFactory
from django.urls import reverse

from core.consolemail import EmailBackend as ConsoleBackend
from core.siteurl import site_host, site_url
from events.models import Membership
from events.tasks import announce_event, send_new_event_mail, send_status_mail
from meetup.apps import sync_site
from tests.factories import EventFactory, RegistrationFactory, ReportFactory, UserFactory

SITE = "https://meetup.example.org"
OTHER_HOST = {"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def site(settings):
    settings.MEETUP_SITE_URL = SITE
    settings.MEETUP_SITE_NAME = "Tokyo Tech Meetups"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    return settings


def test_site_url_configured_ignores_the_request_host(site):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    assert site_url("/events/1/", request) == "https://meetup.example.org/events/1/"


def test_site_url_unset_uses_request_origin_then_default(settings):
    settings.MEETUP_SITE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")
    assert (site_url("/x/", request), site_url("/x/")) == (
        "http://localhost:8000/x/",
        "http://127.0.0.1:8000/x/",
    )


def test_site_url_keeps_an_absolute_url(site):
    assert site_url("https://cdn.example.net/a.png") == "https://cdn.example.net/a.png"


@pytest.mark.django_db
def test_calendar_uid_is_the_same_through_two_host_names(site, client):
    event = EventFactory()
    url = reverse("events:event_calendar", args=[event.pk])
    bodies = [client.get(url, HTTP_HOST=host).text for host in ("localhost", "testserver")]
    uids = [re.search(r"UID:(\S+)", body).group(1) for body in bodies]
    assert uids == [f"event-{event.pk}@meetup.example.org"] * 2
    assert f"URL:{SITE}/events/{event.pk}/" in bodies[0]


@pytest.mark.django_db
def test_status_mail_links_use_the_site_url(site):
    registration = RegistrationFactory(language="en")
    send_status_mail.call(registration.pk)
    assert f"{SITE}{registration.get_absolute_url()}" in mail.outbox[0].body
    assert "example.com/" not in mail.outbox[0].body.replace("@example.com", "")


@pytest.mark.django_db
def test_new_event_mail_unsubscribe_link_uses_the_site_url(site):
    event = EventFactory()
    Membership.objects.create(community=event.community, user=UserFactory(), language="en")
    announce_event(event)
    send_new_event_mail.call(event.pk)
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith(f"<{SITE}/unsubscribe/")


@pytest.mark.django_db
def test_allauth_reset_mail_uses_site_url_and_name(
    site, client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="taro@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mail is queued on commit
        client.post(reverse("account_reset_password"), {"email": user.email}, **OTHER_HOST)
    (message,) = mail.outbox
    links = re.findall(r"https?://[^\s\"<]+", message.body)
    assert message.subject.startswith("[Tokyo Tech Meetups] ")
    assert [link.startswith(f"{SITE}/accounts/password/reset/key/") for link in links] == [True]


@pytest.mark.django_db
def test_allauth_confirmation_mail_uses_site_url(site, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mail is queued on commit
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "username": "new_person",
                "display_name": "New",
                "password1": "a-Strong-passphrase-42",
                "password2": "a-Strong-passphrase-42",
            },
            **OTHER_HOST,
        )
    (message,) = mail.outbox
    assert re.findall(r"https?://\S+/accounts/confirm-email/", message.body) == [
        f"{SITE}/accounts/confirm-email/"
    ]


@pytest.mark.django_db
def test_sites_row_follows_the_settings(site):
    sync_site()
    assert Site.objects.values_list("domain", "name").get() == (
        "meetup.example.org",
        "Tokyo Tech Meetups",
    )


@pytest.mark.django_db
def test_feed_sitemap_api_and_robots_use_the_site_url(site, client):
    event = EventFactory()
    feed = client.get("/feeds/events.atom", HTTP_HOST="localhost").text
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").text
    robots = client.get("/robots.txt", HTTP_HOST="localhost").text
    docs = client.get(reverse("api_docs"), HTTP_HOST="localhost")
    assert f"{SITE}/events/{event.pk}/" in feed
    assert f"<loc>{SITE}/events/{event.pk}/</loc>" in sitemap
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    assert docs.context["base_url"] == f"{SITE}/api/v2"
    assert "localhost" not in feed + sitemap + robots


@pytest.mark.django_db
def test_receipt_qr_checkin_url_uses_the_site_url(site, client):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    response = client.get(registration.get_absolute_url(), HTTP_HOST="localhost")
    assert response.context["checkin_url"].startswith(f"{SITE}/checkin/")


@pytest.mark.django_db
def test_report_og_tags_use_the_site_url_and_name(site, client):
    report = ReportFactory()
    response = client.get(report.get_absolute_url(), HTTP_HOST="localhost")
    assert f'<meta property="og:url" content="{SITE}{report.get_absolute_url()}">' in response.text
    assert '<meta property="og:site_name" content="Tokyo Tech Meetups">' in response.text


def test_site_host_has_no_port(settings):
    settings.MEETUP_SITE_URL = "http://meetup.local:8000"
    assert site_host() == "meetup.local"


def test_console_mail_prints_text_decoded():
    stream = io.StringIO()
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "Mg" * 40 + "/"
    body = "ご登録ありがとうございます。次のリンクからメールアドレスを確認してください。\n" + link
    message = EmailMessage("確認してください", body, "noreply@localhost", ["taro@example.org"])
    ConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert body in printed
    assert "Subject: 確認してください" in printed
    assert "base64" not in printed


@pytest.mark.django_db
def test_page_title_and_brand_use_the_site_name(site, client):
    response = client.get(reverse("events:event_list"), HTTP_ACCEPT_LANGUAGE="en")
    title = re.search(r"<title>(.*?)</title>", response.text).group(1)
    assert title.endswith(" · Tokyo Tech Meetups")
    assert "<span>Tokyo Tech Meetups</span>" in response.text


@pytest.mark.django_db
def test_allauth_mail_without_site_url_keeps_the_request_origin(
    settings, client, django_capture_on_commit_callbacks
):
    settings.MEETUP_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost"]
    user = UserFactory(email="taro@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mail is queued on commit
        client.post(reverse("account_reset_password"), {"email": user.email}, **OTHER_HOST)
    (message,) = mail.outbox
    assert "http://localhost/accounts/password/reset/key/" in message.body
