"""Pages kept for signed-in people (core/fragments.py): nothing personal leaks from one person to
another, and a change by a workflow shows on the next load, for everyone."""

import datetime as dt
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import page_versions
from events.models import Registration
from events.registration import allocation, reconfirm
from tests.factories import (
    PASSWORD,
    EventFactory,
    QuestionFactory,
    ReportFactory,
    SpeakerFactory,
    TalkFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = Registration.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def site():
    """An upcoming event with a seat taken and a waitlist; a past event with its report."""
    alice = UserFactory(display_name="Alice Menu")
    bob = UserFactory(display_name="Bob Menu")
    tt = TicketTypeFactory(capacity=1)
    event = tt.event
    speaker = SpeakerFactory(name="Speaker Before")
    TalkFactory(event=event, title="Opening talk", speakers=[speaker])
    seat = allocation.apply(tt, user=alice)
    wait = allocation.apply(tt, user=bob)
    past = EventFactory(
        community=event.community,
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(hours=3),
    )
    TalkFactory(event=past, title="Past talk", speakers=[speaker])
    ReportFactory(event=past)
    pages = ["/", "/events/", event.get_absolute_url(), f"/reports/{past.pk}/"]
    return {
        "alice": alice,
        "bob": bob,
        "tt": tt,
        "event": event,
        "seat": seat,
        "wait": wait,
        "speaker": speaker,
        "past": past,
        "pages": pages,
    }


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def warm(client, *pages):
    """Load until the page and this person's blocks are kept (the first load sets the CSRF
    cookie that the kept blocks are bound to): the next load runs no query at all."""
    for page in pages:
        client.get(page, **EN)
        client.get(page, **EN)
        with CaptureQueriesContext(connection) as queries:
            client.get(page, **EN)
        assert len(queries) == 0, (page, [q["sql"] for q in queries])


def menu_name(body: str) -> str:
    return re.search(r'<details class="user-menu">\s*<summary>(.*?)</summary>', body).group(1)


def status_box(body: str) -> str:
    return re.search(r'<section id="status-box".*?</section>', body, re.S).group(0)


def logout_token(body: str) -> str:
    form = re.search(r'<form method="post" action="/accounts/logout/">.*?</form>', body, re.S)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)


def test_each_person_sees_only_their_own_menu_status_and_receipt_on_every_page(site):
    alice, bob = signed_in(site["alice"]), signed_in(site["bob"])
    people = ((alice, "alice", "seat", "wait"), (bob, "bob", "wait", "seat"))
    for _ in range(3):  # the later rounds are served from what the first ones kept
        for client, me, mine, theirs in people:
            for page in site["pages"]:
                body = client.get(page, **EN).text
                assert menu_name(body) == site[me].display_name, page
                if page == site["event"].get_absolute_url():
                    assert site[mine].receipt in status_box(body)
                    assert site[theirs].receipt not in body
    assert "Accepted: you have a seat" in status_box(alice.get(site["pages"][2], **EN).text)
    assert "Waitlist #1" in status_box(bob.get(site["pages"][2], **EN).text)


def test_kept_forms_carry_each_persons_own_csrf_token(site):
    """The kept blocks hold forms: a token made for Alice must never reach Bob."""
    alice, bob = signed_in(site["alice"]), signed_in(site["bob"])
    page = site["pages"][2]
    warm(alice, page)  # each keeps their own blocks, the page is shared
    warm(bob, page)
    for client in (alice, bob):
        token = logout_token(client.get(page).text)
        assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
        assert "_auth_user_id" not in client.session


def test_a_cancel_shows_on_the_next_load_for_everyone(site):
    alice, bob = signed_in(site["alice"]), signed_in(site["bob"])
    page = site["pages"][2]
    warm(alice, page)
    warm(bob, page)
    allocation.cancel(site["seat"], by=site["alice"])  # Bob moves up from the waitlist
    assert "Accepted: you have a seat" in status_box(bob.get(page, **EN).text)
    body = alice.get(page, **EN).text
    assert "Apply" in status_box(body) or "Cancelled" in status_box(body)
    assert site["seat"].receipt not in status_box(body) or "Cancelled" in status_box(body)
    # The figures on the lists moved too.
    assert Registration.objects.get(pk=site["wait"].pk).status == S.ACCEPTED


def test_a_new_talk_and_a_renamed_speaker_show_on_the_next_load(site):
    alice, bob = signed_in(site["alice"]), signed_in(site["bob"])
    event_page, report_page = site["pages"][2], site["pages"][3]
    warm(alice, event_page, report_page)
    warm(bob, event_page, report_page)
    TalkFactory(event=site["event"], title="A talk added late")
    site["speaker"].name = "Speaker After"
    site["speaker"].save()
    for client in (alice, bob):
        body = client.get(event_page).text
        assert "A talk added late" in body
        assert "Speaker After" in body and "Speaker Before" not in body
        report = client.get(report_page).text
        assert "Speaker After" in report and "Speaker Before" not in report


def test_a_renamed_person_shows_in_their_menu_and_on_the_list_of_others(site):
    alice, bob = signed_in(site["alice"]), signed_in(site["bob"])
    page = site["pages"][2]
    warm(alice, page)
    warm(bob, page)
    site["alice"].display_name = "Alice Renamed"
    site["alice"].save()
    assert menu_name(alice.get(page).text) == "Alice Renamed"
    body = bob.get(page).text
    assert "Alice Renamed" in body
    assert menu_name(body) == "Bob Menu"


def test_without_the_version_bump_the_kept_page_would_be_stale(site, monkeypatch):
    """Control: the tests above would fail if a workflow forgot to say what it changed."""
    bob = signed_in(site["bob"])
    page = site["pages"][2]
    warm(bob, page)
    monkeypatch.setattr(page_versions, "registrations_changed", lambda event_id: None)
    allocation.cancel(site["seat"], by=site["alice"])
    assert "Waitlist #1" in status_box(bob.get(page, **EN).text)


def test_a_verified_address_shows_the_apply_form_on_the_next_load():
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False)
    tt = TicketTypeFactory()
    client = signed_in(user)
    page = tt.event.get_absolute_url()
    warm(client, page)
    assert "Please verify your e-mail address" in status_box(client.get(page, **EN).text)
    address.verified = True
    address.save()
    assert 'class="apply-form"' in status_box(client.get(page, **EN).text)


def test_a_ticket_window_opening_shows_without_any_write():
    """What moves with the clock is kept no later than the moment it moves."""
    user = UserFactory()
    opens = timezone.now() + dt.timedelta(seconds=1.5)
    tt = TicketTypeFactory(opens_at=opens)
    client = signed_in(user)
    page = tt.event.get_absolute_url()
    client.get(page, **EN)
    assert "Applications are not open" in status_box(client.get(page, **EN).text)
    time.sleep(max(0.0, (opens - timezone.now()).total_seconds()) + 0.2)
    assert 'class="apply-form"' in status_box(client.get(page, **EN).text)


def test_a_flash_message_shows_once_on_a_kept_page(site):
    bob = signed_in(site["bob"])
    page = site["pages"][2]
    warm(bob, page)
    cancel = re.search(r'href="(/me/[^"]*cancel[^"]*)"', status_box(bob.get(page, **EN).text))
    assert cancel, "the status box links to the cancel step"
    form = bob.get(cancel.group(1), **EN).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    bob.post(cancel.group(1), {"csrfmiddlewaretoken": token}, **EN)
    assert "Your registration is cancelled." in bob.get(page, **EN).text
    assert "Your registration is cancelled." not in bob.get(page, **EN).text


def test_kept_pages_carry_the_nonce_of_their_own_csp_header(site):
    alice = signed_in(site["alice"])
    for page in site["pages"]:
        warm(alice, page)
        response = alice.get(page)
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert set(re.findall(r'nonce="([^"]+)"', response.text)) == {header}, page


def test_deleting_an_event_with_its_talks_and_report_is_said_without_error(site):
    """The cascade deletes talk speakers and summaries after their parents are gone."""
    report_page = site["pages"][3]
    alice = signed_in(site["alice"])
    warm(alice, report_page)
    site["past"].delete()
    assert alice.get(report_page).status_code == 404


def test_a_new_or_limited_question_shows_in_the_apply_form_on_the_next_load():
    """The unfilled questions are kept per event version: editing them gives a new one."""
    user = UserFactory()
    tt = TicketTypeFactory()
    other = TicketTypeFactory(event=tt.event, name="Other")
    client = signed_in(user)
    page = tt.event.get_absolute_url()
    warm(client, page)
    question = QuestionFactory(event=tt.event, text_en="Which editor do you use?")
    box = status_box(client.get(page, **EN).text)
    assert "Which editor do you use?" in box
    assert "data-for=" not in box
    question.ticket_types.add(other)
    assert f'data-for="{other.pk}"' in status_box(client.get(page, **EN).text)


def test_an_application_renews_the_participants_and_figures_not_the_rest(site):
    carol = UserFactory(display_name="Carol Newcomer")
    alice = signed_in(site["alice"])
    page = site["pages"][2]
    warm(alice, page)
    allocation.apply(site["tt"], user=carol)  # the seat is taken: Carol waits
    with CaptureQueriesContext(connection) as queries:
        body = alice.get(page, **EN).text
    assert "Carol Newcomer" in body
    assert "3 applied for 1 seats" in body  # the figures moved too
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if q.startswith('SELECT "events_event"')], "the page was kept"


def test_a_reconfirmation_asked_then_given_shows_on_the_next_load():
    """Neither changes a seat (no ticket-type lock): each says so itself."""
    now = timezone.now()
    tt = TicketTypeFactory(
        capacity=2,
        reconfirm_opens_at=now - dt.timedelta(hours=1),
        reconfirm_deadline_at=now + dt.timedelta(days=2),
    )
    user = UserFactory()
    registration = allocation.apply(tt, user=user)
    client = signed_in(user)
    page = tt.event.get_absolute_url()
    warm(client, page)
    assert "Confirm your seat" not in status_box(client.get(page, **EN).text)
    reconfirm.request_due()
    assert "Confirm your seat" in status_box(client.get(page, **EN).text)
    warm(client, page)
    reconfirm.confirm(registration, by=user)
    assert "Confirm your seat" not in status_box(client.get(page, **EN).text)


def test_signed_in_pages_still_work_while_the_cache_is_away(site, settings):
    """Sessions, the signed-in user and the kept pages all live in the cache: without it they
    come from the database, as before, and nothing fails."""
    alice = signed_in(site["alice"])
    settings.CACHES = {"default": {"BACKEND": "tests.meetup.cache_away.CacheAway"}}
    for page in site["pages"]:
        body = alice.get(page, **EN).text
        assert menu_name(body) == "Alice Menu", page
    assert site["seat"].receipt in status_box(alice.get(site["pages"][2], **EN).text)
    site["alice"].display_name = "Alice Offline"
    site["alice"].save()  # the cached copy cannot be dropped: logged, not raised
    assert menu_name(alice.get(site["pages"][0], **EN).text) == "Alice Offline"
    bob = Client()
    assert bob.login(email=site["bob"].email, password=PASSWORD)  # a new session, in the database
    assert menu_name(bob.get(site["pages"][0], **EN).text) == "Bob Menu"
