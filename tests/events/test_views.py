import datetime as dt
import io
import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership, Registration, TicketType
from events.registration import allocation
from events.registration import checkin as checkin_tokens
from events.tasks import unsubscribe_token
from tests.factories import (
    CommunityFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


def apply_url(event):
    return reverse("events:apply", args=[event.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- event list ---------------------------------------------------------------------------


def test_event_list_shows_upcoming_not_drafts_or_past(client):
    upcoming = EventFactory(title="Upcoming one")
    EventFactory(title="Draft one", status=Event.Status.DRAFT)
    EventFactory(
        title="Past one",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30, hours=-2),
    )
    response = client.get(reverse("events:event_list"), **EN)
    assert [e.pk for e in response.context["events"]] == [upcoming.pk]


def test_event_list_past_tab_lists_newest_first(client):
    old, recent = (
        EventFactory(
            starts_at=timezone.now() - dt.timedelta(days=days),
            ends_at=timezone.now() - dt.timedelta(days=days, hours=-2),
        )
        for days in (60, 10)
    )
    response = client.get(reverse("events:event_list"), {"when": "past"})
    assert [e.pk for e in response.context["events"]] == [recent.pk, old.pk]


@pytest.mark.parametrize("field", ["title", "catch", "description", "venue_name"])
def test_event_list_search_matches_field(client, field):
    hit = EventFactory(
        **{field: "Kubernetes deep dive" if field != "venue_name" else "Kubernetes Hall"}
    )
    EventFactory()
    response = client.get(reverse("events:event_list"), {"q": "kubernetes"})
    assert [e.pk for e in response.context["events"]] == [hit.pk]


def test_event_list_filters_by_community_month_and_format(client):
    community = CommunityFactory(slug="rust-tokyo")
    starts = (timezone.now() + dt.timedelta(days=40)).replace(hour=10)
    online = EventFactory(
        community=community,
        online_url="https://example.com/live",
        venue_name="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    EventFactory(community=community)  # offline, earlier month
    EventFactory(online_url="https://example.com/other", venue_name="")  # other community
    month = timezone.localtime(starts).strftime("%Y-%m")
    response = client.get(
        reverse("events:event_list"),
        {"community": "rust-tokyo", "month": month, "format": "online"},
    )
    assert [e.pk for e in response.context["events"]] == [online.pk]


def test_event_list_is_paginated(client):
    EventFactory.create_batch(21)
    first = client.get(reverse("events:event_list"))
    second = client.get(reverse("events:event_list"), {"page": 2})
    assert (len(first.context["events"]), len(second.context["events"])) == (20, 1)


def test_event_list_empty_state(client):
    response = client.get(reverse("events:event_list"), {"q": "nothing"}, **EN)
    assert "No events match" in response.text


@pytest.mark.parametrize("registrations", [1, 300])
def test_event_list_query_count_is_constant(client, django_assert_num_queries, registrations):
    tt = TicketTypeFactory(capacity=50)
    TicketTypeFactory(event=tt.event, name="Second", capacity=5)
    EventFactory()
    RegistrationFactory.create_batch(registrations, ticket_type=tt)
    # session-less anonymous request: events + count + community and month choices
    with django_assert_num_queries(4):
        response = client.get(reverse("events:event_list"))
    assert response.status_code == 200


# -- event page ---------------------------------------------------------------------------


def test_event_detail_shows_counts_and_per_seat(client):
    tt = TicketTypeFactory(capacity=2, name="General")
    RegistrationFactory.create_batch(2, ticket_type=tt, status=S.ACCEPTED)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    response = client.get(tt.event.get_absolute_url(), **EN)
    (shown,) = response.context["ticket_types"]
    f = shown.figures
    assert (f.accepted, f.pending, f.waitlisted, f.per_seat) == (2, 0, 1, 1.5)


def test_event_detail_times_are_in_event_timezone(client):
    starts = dt.datetime(2030, 6, 7, 10, 0, tzinfo=dt.UTC)
    event = EventFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), timezone="Europe/Paris"
    )
    response = client.get(event.get_absolute_url(), **EN)
    assert "12:00–14:00" in response.text


def test_event_detail_draft_is_404(client):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_event_detail_participant_list_only_who_agreed(client):
    tt = TicketTypeFactory()
    RegistrationFactory(ticket_type=tt, user=UserFactory(display_name="Visible Person"))
    RegistrationFactory(
        ticket_type=tt, show_in_list=False, user=UserFactory(display_name="Hidden Person")
    )
    RegistrationFactory(
        ticket_type=tt, status=S.CANCELLED, user=UserFactory(display_name="Gone Person")
    )
    response = client.get(tt.event.get_absolute_url(), **EN)
    (group,) = response.context["participant_groups"]
    assert (group.status, group.names, group.hidden) == ("accepted", ["Visible Person"], 1)
    assert "Hidden Person" not in response.text
    assert "and 1 more who chose not to be listed" in response.text


def test_event_detail_markdown_is_inert(client):
    event = EventFactory(
        description='<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    response = client.get(event.get_absolute_url())
    assert "<script>alert" not in response.text
    assert 'href="javascript:' not in response.text
    assert 'onerror="alert(1)">' not in response.text


def test_event_detail_status_box_says_waitlist_position(client, member):
    tt = TicketTypeFactory(capacity=0)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    RegistrationFactory(ticket_type=tt, status=S.CANCELLED, waitlist_rank=2)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=3, user=member)
    response = client.get(tt.event.get_absolute_url(), **EN)
    assert "Waitlist #2" in response.text


def test_event_detail_status_box_says_awaiting_lottery_in_event_time(client, member):
    lottery_at = dt.datetime(2031, 6, 4, 15, 0, tzinfo=dt.UTC)  # 5 June 0:00 in Tokyo
    event = EventFactory(
        starts_at=lottery_at + dt.timedelta(days=3),
        ends_at=lottery_at + dt.timedelta(days=3, hours=2),
    )
    tt = TicketTypeFactory(event=event, lottery=True, closes_at=lottery_at, lottery_at=lottery_at)
    RegistrationFactory(ticket_type=tt, status=S.PENDING, user=member)
    response = client.get(event.get_absolute_url(), **EN)
    assert "Awaiting the lottery on Jun 5, 2031, 00:00" in response.text


def test_event_detail_unverified_user_sees_verify_link(client):
    client.force_login(UserFactory(verified=False))
    tt = TicketTypeFactory()
    response = client.get(tt.event.get_absolute_url(), **EN)
    assert "Please verify your e-mail address before applying." in response.text
    assert reverse("account_email") in response.text


@pytest.mark.parametrize("registrations", [1, 300])
def test_event_detail_query_count_is_constant(
    client, member, django_assert_num_queries, registrations
):
    tt = TicketTypeFactory(capacity=100)
    TicketTypeFactory(event=tt.event, lottery=True, name="Lottery")
    RegistrationFactory.create_batch(registrations, ticket_type=tt)
    RegistrationFactory(ticket_type=tt, user=member, status=S.WAITLISTED, waitlist_rank=1)
    client.get("/")  # warm the session and the user, read from the cache from now on
    # The page kept for everyone: event, ticket types, figures, participants, and the talks
    # and reports template tags (report link, programme, materials); then this person's
    # blocks: their registration and, on the waitlist, its position.
    with django_assert_num_queries(9):
        response = client.get(tt.event.get_absolute_url())
    assert response.status_code == 200
    # Loaded again: both are kept until something on the page changes.
    with django_assert_num_queries(0):
        assert client.get(tt.event.get_absolute_url()).status_code == 200


# -- apply --------------------------------------------------------------------------------


def test_apply_accepts_and_redirects_with_message(client, member):
    tt = TicketTypeFactory(capacity=1)
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    registration = Registration.objects.get(user=member)
    assert registration.status == S.ACCEPTED
    assert messages_of(response) == [f"You have a seat. Your receipt is {registration.receipt}."]


def test_apply_with_htmx_returns_status_box_only(client, member):
    tt = TicketTypeFactory(capacity=0)
    response = client.post(
        apply_url(tt.event), {"ticket_type": tt.pk}, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="status-box"')
    assert "Waitlist #1" in response.text
    assert "All seats are taken: you are number 1 on the waitlist." in response.text


def test_apply_with_htmx_shows_the_new_registration_without_reading_it_back(client, member):
    tt = TicketTypeFactory(lottery=True)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            apply_url(tt.event), {"ticket_type": tt.pk}, HTTP_HX_REQUEST="true", **EN
        )
    registration = Registration.objects.get(user=member)
    assert registration.status == S.PENDING
    assert registration.receipt in response.text
    assert "Awaiting the lottery on" in response.text
    sql = [q["sql"] for q in captured.captured_queries]
    # apply checked the address once; the box knows the registration it made
    assert sum('FROM "account_emailaddress"' in q for q in sql) == 1
    assert not [q for q in sql if q.startswith('SELECT "events_registration"."id"')]


def _another_member():
    other = Client()
    other.force_login(UserFactory())
    return other


def test_apply_reads_the_event_and_its_questions_once_while_registrations_come_in(client, member):
    """Applications change the event's figures, not the event: the next applicant's form is
    built from what the first one read."""
    tt = TicketTypeFactory(capacity=5)
    QuestionFactory(event=tt.event, required=False)
    other = _another_member()
    client.post(apply_url(tt.event), {"ticket_type": tt.pk})
    with CaptureQueriesContext(connection) as captured:
        other.post(apply_url(tt.event), {"ticket_type": tt.pk})
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if q.startswith('SELECT "events_event"')]
    assert not [q for q in sql if 'FROM "events_question"' in q]
    assert Registration.objects.filter(ticket_type=tt, status=S.ACCEPTED).count() == 2


def test_apply_after_the_event_is_unpublished_is_not_found(client, member):
    tt = TicketTypeFactory()
    client.post(apply_url(tt.event), {"ticket_type": tt.pk})  # the event is now kept
    tt.event.status = Event.Status.DRAFT
    tt.event.save()
    response = _another_member().post(apply_url(tt.event), {"ticket_type": tt.pk})
    assert response.status_code == 404
    assert Registration.objects.filter(ticket_type=tt).count() == 1


def test_apply_asks_a_question_added_after_the_first_application(client, member):
    tt = TicketTypeFactory()
    client.post(apply_url(tt.event), {"ticket_type": tt.pk})  # the questions are now kept
    QuestionFactory(event=tt.event, required=True, text_en="Your badge name?")
    other = _another_member()
    response = other.post(apply_url(tt.event), {"ticket_type": tt.pk}, **EN)
    assert response.status_code == 422
    assert "Your badge name?" in response.text
    assert Registration.objects.filter(ticket_type=tt).count() == 1


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "99999999999999999999"])
def test_apply_with_a_malformed_ticket_type_is_refused(client, member, value):
    tt = TicketTypeFactory()
    client.post(apply_url(tt.event), {"ticket_type": "x"}, follow=True)  # now kept
    response = client.post(apply_url(tt.event), {"ticket_type": value}, follow=True, **EN)
    assert messages_of(response) == ["Choose one of this event’s ticket types."]
    assert Registration.objects.count() == 0


def test_apply_to_a_ticket_type_added_after_the_first_application(client, member):
    tt = TicketTypeFactory(capacity=1)
    other = _another_member()
    client.post(apply_url(tt.event), {"ticket_type": tt.pk})  # the ticket types are now kept
    late = TicketTypeFactory(event=tt.event, name="Added late")
    other.post(apply_url(tt.event), {"ticket_type": late.pk})
    assert Registration.objects.filter(ticket_type=late, status=S.ACCEPTED).count() == 1


def test_apply_twice_says_already_registered(client, member):
    tt = TicketTypeFactory()
    client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True)
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    assert messages_of(response) == ["You are already registered for this event."]
    assert Registration.objects.filter(user=member).count() == 1


def test_apply_with_ticket_type_of_another_event_is_refused(client, member):
    tt = TicketTypeFactory()
    foreign = TicketTypeFactory()
    response = client.post(apply_url(tt.event), {"ticket_type": foreign.pk}, follow=True, **EN)
    assert messages_of(response) == ["Choose one of this event’s ticket types."]
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_apply_with_bad_ticket_type_value_changes_nothing(client, member, value):
    tt = TicketTypeFactory()
    response = client.post(apply_url(tt.event), {"ticket_type": value}, follow=True)
    assert response.status_code == 200
    assert Registration.objects.count() == 0


def test_apply_to_closed_window_says_closed(client, member):
    tt = TicketTypeFactory(
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    assert messages_of(response) == ["Applications for “General” are closed."]
    assert Registration.objects.count() == 0


def test_apply_to_cancelled_event_says_cancelled(client, member):
    tt = TicketTypeFactory(event=EventFactory(status=Event.Status.CANCELLED))
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    assert messages_of(response) == ["This event was cancelled; applications are closed."]
    assert Registration.objects.count() == 0


def test_apply_to_draft_event_is_404(client, member):
    tt = TicketTypeFactory(event=EventFactory(status=Event.Status.DRAFT))
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk})
    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_apply_without_verified_email_links_to_verify(client):
    client.force_login(UserFactory(verified=False))
    tt = TicketTypeFactory()
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    assert "Please verify your e-mail address before applying." in response.text
    assert f'<a href="{reverse("account_email")}">Verify my e-mail address</a>' in response.text
    assert Registration.objects.count() == 0


def test_apply_anonymous_redirects_to_login(client):
    tt = TicketTypeFactory()
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Registration.objects.count() == 0


def test_apply_get_is_not_allowed(client, member):
    tt = TicketTypeFactory()
    assert client.get(apply_url(tt.event)).status_code == 405


def test_apply_requires_csrf_token(member):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    tt = TicketTypeFactory()
    assert csrf_client.post(apply_url(tt.event), {"ticket_type": tt.pk}).status_code == 403
    assert Registration.objects.count() == 0


# -- cancel -------------------------------------------------------------------------------


def test_cancel_get_shows_confirmation_and_changes_nothing(client, member):
    registration = RegistrationFactory(user=member)
    response = client.get(reverse("events:cancel", args=[registration.receipt]), **EN)
    assert "Yes, cancel my registration" in response.text
    registration.refresh_from_db()
    assert registration.status == S.ACCEPTED


def test_cancel_post_cancels_and_promotes(client, member):
    tt = TicketTypeFactory(capacity=1)
    mine = RegistrationFactory(ticket_type=tt, user=member)
    waiting = RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    response = client.post(reverse("events:cancel", args=[mine.receipt]), follow=True, **EN)
    assert messages_of(response) == ["Your registration is cancelled."]
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED


def test_cancel_with_htmx_returns_status_box(client, member):
    registration = RegistrationFactory(user=member)
    response = client.post(
        reverse("events:cancel", args=[registration.receipt]), HTTP_HX_REQUEST="true", **EN
    )
    assert response.text.lstrip().startswith('<section id="status-box"')
    assert "Cancelled" in response.text


def test_cancel_someone_elses_registration_is_404(client, member):
    registration = RegistrationFactory()
    for method in (client.get, client.post):
        assert method(reverse("events:cancel", args=[registration.receipt])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == S.ACCEPTED


# -- me and receipt -----------------------------------------------------------------------


def test_me_lists_upcoming_first_then_past(client, member):
    later = RegistrationFactory(
        user=member,
        ticket_type=TicketTypeFactory(
            event=EventFactory(
                starts_at=timezone.now() + dt.timedelta(days=30),
                ends_at=timezone.now() + dt.timedelta(days=30, hours=2),
            )
        ),
    )
    sooner = RegistrationFactory(user=member)
    past_event = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=5),
        ends_at=timezone.now() - dt.timedelta(days=5, hours=-2),
    )
    past = RegistrationFactory(
        user=member,
        ticket_type=TicketTypeFactory(
            event=past_event, opens_at=past_event.starts_at - dt.timedelta(days=9)
        ),
    )
    RegistrationFactory()  # someone else's
    response = client.get(reverse("events:me"))
    assert [r.pk for r in response.context["upcoming"]] == [sooner.pk, later.pk]
    assert [r.pk for r in response.context["past"]] == [past.pk]


def test_me_requires_login(client):
    assert client.get(reverse("events:me")).status_code == 302


def test_receipt_has_qr_with_signed_checkin_url_not_bare_receipt(client, member):
    registration = RegistrationFactory(user=member)
    response = client.get(registration.get_absolute_url(), **EN)
    token = response.context["checkin_url"].rstrip("/").rsplit("/", 1)[1]
    assert checkin_tokens.registration_for_token(token) == registration
    assert registration.receipt not in token
    assert "<svg" in response.text
    assert ' style="' not in response.context["qr_svg"]


def test_checkin_token_forged_is_rejected():
    with pytest.raises(signing.BadSignature):
        checkin_tokens.registration_for_token("1:forged:token")


def test_checkin_token_names_nobody_when_the_receipt_no_longer_matches():
    registration = RegistrationFactory()
    token = checkin_tokens.make_token(registration)
    Registration.objects.filter(pk=registration.pk).update(receipt="ZZZZ9999")

    assert checkin_tokens.registration_for_token(token) is None


def test_receipt_of_someone_else_is_404(client, member):
    registration = RegistrationFactory()
    assert client.get(registration.get_absolute_url()).status_code == 404


def test_receipt_waitlisted_has_no_qr(client, member):
    registration = RegistrationFactory(user=member, status=S.WAITLISTED, waitlist_rank=1)
    response = client.get(registration.get_absolute_url())
    assert response.context["qr_svg"] is None


def test_checkin_link_is_404_for_someone_not_organising_the_event(client, member):
    registration = RegistrationFactory()
    url = reverse("events:checkin", args=[checkin_tokens.make_token(registration)])
    assert client.get(url).status_code == 404


# -- communities --------------------------------------------------------------------------


def test_community_page_lists_its_events(client):
    event = EventFactory()
    EventFactory()
    response = client.get(event.community.get_absolute_url())
    assert [e.pk for e in response.context["upcoming"]] == [event.pk]


def test_community_join_notify_toggle_and_leave(client, member):
    community = CommunityFactory()

    def post(action, **data):
        url = reverse("events:community_membership", args=[community.slug, action])
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    post("join")
    membership = Membership.objects.get(user=member, community=community)
    assert (membership.notify_new_events, membership.language) == (True, "en")
    post("notify", notify="0")
    membership.refresh_from_db()
    assert membership.notify_new_events is False
    post("leave")
    assert Membership.objects.filter(user=member).count() == 0


def test_unsubscribe_link_post_turns_off_mails(client):
    membership = Membership.objects.create(community=CommunityFactory(), user=UserFactory())
    url = reverse("events:unsubscribe", args=[unsubscribe_token(membership)])
    assert client.get(url).status_code == 200
    membership.refresh_from_db()
    assert membership.notify_new_events is True  # GET changes nothing (link scanners)
    client.post(url)
    membership.refresh_from_db()
    assert membership.notify_new_events is False


def test_unsubscribe_forged_token_is_404(client):
    assert client.get(reverse("events:unsubscribe", args=["1:forged"])).status_code == 404


# -- home and account deletion --------------------------------------------------------------


def test_home_lists_upcoming_events(client):
    event = EventFactory(title="Tokyo Rust #3")
    response = client.get("/", **EN)
    assert [e.pk for e in response.context["upcoming_events"]] == [event.pk]


def test_delete_account_cancels_and_promotes_waitlist(client):
    user = UserFactory()
    tt = TicketTypeFactory(capacity=1)
    mine = RegistrationFactory(ticket_type=tt, user=user)
    waiting = RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    client.force_login(user)
    client.post(reverse("delete_account"), {"confirm": user.nickname})
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, mine.user_id, waiting.status) == (S.CANCELLED, None, S.ACCEPTED)


def test_status_box_ticket_type_field_is_not_shown_for_full_lottery_after_close(client, member):
    tt = TicketTypeFactory(
        lottery=True,
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.get(tt.event.get_absolute_url(), **EN)
    assert 'name="ticket_type"' not in response.text
    assert "Applications are not open." in response.text
    assert TicketType.objects.count() == 1


def test_allocation_error_in_apply_changes_nothing_for_approval_after_start(client, member):
    tt = TicketTypeFactory(approval=True)
    Event.objects.filter(pk=tt.event_id).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)
    assert messages_of(response) == ["This event has already started; applications are closed."]
    assert allocation.Registration.objects.count() == 0


def test_event_page_of_an_ended_event_says_it_has_ended(client):
    starts = timezone.now() - dt.timedelta(days=3)
    event = EventFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3))

    response = client.get(event.get_absolute_url())

    assert re.search(r'<h2 id="status-title">\s*Registration\s*</h2>', response.text)
    assert "This event has ended. Thank you to everyone who came." in response.text


# -- event page hierarchy (issue 20) --------------------------------------------------------


def test_event_detail_ticket_table_marks_your_ticket_type(client, member):
    tt = TicketTypeFactory(name="General", capacity=10)
    TicketTypeFactory(event=tt.event, name="Blog", capacity=2)
    RegistrationFactory(ticket_type=tt, status=S.ACCEPTED, user=member)
    RegistrationFactory.create_batch(2, ticket_type=tt, status=S.PENDING)

    page = client.get(tt.event.get_absolute_url(), **EN).text
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, flags=re.S)

    assert len(rows) == 2
    assert re.findall(r'<td class="num">(\d+)', rows[0]) == ["10", "3"]
    assert '<span class="badge badge-ok" data-state="accepted">Accepted</span>' in rows[0]
    assert 'data-state="accepted"' not in rows[1]


def test_event_detail_puts_the_action_before_the_description(client):
    tt = TicketTypeFactory(event__description="About the meetup")

    page = client.get(tt.event.get_absolute_url(), **EN).text

    assert page.index("<h1>") < page.index('id="status-box"') < page.index("About the meetup")


def test_event_detail_htmx_apply_refreshes_the_ticket_table_out_of_band(client, member):
    tt = TicketTypeFactory(capacity=5)

    response = client.post(
        reverse("events:apply", args=[tt.event_id]), {"ticket_type": tt.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.text.count('id="ticket-table"') == 1
    assert 'data-hx-swap-oob="true"' in response.text


def test_event_list_month_select_lists_months_with_events(client):
    starts = dt.datetime(2031, 3, 10, 10, 0, tzinfo=dt.UTC)
    EventFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))

    page = client.get(reverse("events:event_list"), {"month": "2031-03"}, **EN).text

    assert '<option value="2031-03" selected>March 2031</option>' in page
    assert 'type="month"' not in page


def _png(width, height):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "#2f5bd3").save(out, format="PNG")
    return SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")


def test_event_detail_shows_the_cover_with_its_size_and_shares_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory(image=_png(1200, 630))

    page = client.get(event.get_absolute_url()).text

    assert f'src="{event.image.url}" alt="" width="1200" height="630"' in page
    assert f'<meta property="og:image" content="http://testserver{event.image.url}">' in page


def test_event_detail_without_images_has_no_og_image(client):
    event = EventFactory()

    page = client.get(event.get_absolute_url()).text

    assert '<meta property="og:title" content="' + event.title + '">' in page
    assert "og:image" not in page


def test_community_without_members_invites_the_first_instead_of_showing_zero(client):
    community = CommunityFactory()

    page = client.get(community.get_absolute_url(), **EN).text

    assert "No members yet: be the first to join." in page
    assert 'class="big-number"' not in page


# -- The apply box chooses well -------------------------------------------------------------


def _drawn_lottery_and_free_first_come():
    """A lottery drawn with 42 people waiting, and a first-come type with seats free."""
    event = EventFactory()
    lottery = TicketTypeFactory(event=event, lottery=True, capacity=1, name="Lottery seats")
    TicketType.objects.filter(pk=lottery.pk).update(drawn_at=timezone.now(), seats_at_draw=1)
    RegistrationFactory(ticket_type=lottery)
    for rank in range(1, 43):
        RegistrationFactory(ticket_type=lottery, status=S.WAITLISTED, waitlist_rank=rank)
    TicketTypeFactory(event=event, capacity=10, name="Blog", position=1)
    return event


def _apply_buttons(html):
    return re.findall(
        r'<button type="submit" name="ticket_type" value="\d+" class="([^"]*)">([^<]*)<', html
    )


def test_apply_box_preselects_nothing_and_says_the_waitlist_on_its_button(client, member):
    event = _drawn_lottery_and_free_first_come()

    response = client.get(event.get_absolute_url(), **EN)

    assert 'type="radio"' not in response.text
    assert _apply_buttons(response.text) == [
        ("btn btn-block btn-secondary", "Join the waitlist (#43)"),
        ("btn btn-block", "Get a seat"),
    ]


def test_apply_box_lottery_open_offers_the_lottery(client, member):
    tt = TicketTypeFactory(lottery=True)

    response = client.get(tt.event.get_absolute_url(), **EN)

    assert _apply_buttons(response.text) == [("btn btn-block", "Enter the lottery")]


def test_apply_to_the_waitlist_is_told_without_success_green(client, member):
    tt = TicketTypeFactory(capacity=0)

    response = client.post(apply_url(tt.event), {"ticket_type": tt.pk}, follow=True, **EN)

    (message,) = response.context["messages"]
    assert (message.level_tag, str(message)) == (
        "info",
        "All seats are taken: you are number 1 on the waitlist.",
    )


# -- Names of states ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "english", "japanese"),
    [
        ("self", "Cancelled by you", "キャンセル済み（自分で取り消し）"),
        ("organiser", "Cancelled by the organisers", "主催者によりキャンセル"),
        ("expired", "Expired (not reconfirmed)", "期限切れ（参加確認なし）"),
    ],
)
def test_me_names_who_cancelled_in_both_languages(client, member, reason, english, japanese):
    RegistrationFactory(user=member, status=S.CANCELLED, cancel_reason=reason)

    in_english = client.get(reverse("events:me"), **EN).text
    in_japanese = client.get(reverse("events:me"), HTTP_ACCEPT_LANGUAGE="ja").text

    assert f">{english}</span>" in in_english
    assert f">{japanese}</span>" in in_japanese
    assert "中止" not in in_japanese


def test_me_names_an_event_cancelled_and_a_no_show(client, member):
    RegistrationFactory(
        user=member,
        ticket_type=TicketTypeFactory(event=EventFactory(status=Event.Status.CANCELLED)),
    )
    starts = timezone.now() - dt.timedelta(days=2)
    ended = EventFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    window = {"opens_at": starts - dt.timedelta(days=9), "closes_at": starts - dt.timedelta(days=3)}
    RegistrationFactory(user=member, ticket_type=TicketTypeFactory(event=ended, **window))

    text = client.get(reverse("events:me"), **EN).text

    assert re.findall(r'data-state="(\w+)">([^<]+)<', text) == [
        ("event_cancelled", "Event cancelled"),
        ("no_show", "No-show"),
    ]


def test_cancel_confirmation_of_a_lottery_entry_loses_no_waitlist_place(client, member):
    registration = RegistrationFactory(
        user=member, ticket_type=TicketTypeFactory(lottery=True), status=S.PENDING
    )

    response = client.get(reverse("events:cancel", args=[registration.receipt]), **EN)

    assert "your entry in the lottery on" in response.text
    assert "waitlist (#" not in response.text
    # The safe choice is the prominent button; cancelling is the quiet one.
    assert re.findall(
        r'class="(btn[^"]*)"[^>]*>(Keep my registration|Yes, cancel my registration)<',
        response.text,
    ) == [
        ("btn", "Keep my registration"),
        ("btn btn-secondary btn-quiet-danger", "Yes, cancel my registration"),
    ]
