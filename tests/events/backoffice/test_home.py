"""The organiser home at /admin/: events in words, approvals in place, activity in sentences."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.audit import log
from events.backoffice import home
from events.models import Event, Registration
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True, display_name="Aiko")


@pytest.fixture
def community(organiser):
    return CommunityFactory(organisers=[organiser], name="Docker Meetup Tokyo")


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client


def _arrange(community, scale):
    """`scale` events, each with a lottery, an approval type, applications and log entries."""
    for n in range(scale):
        event = EventFactory(community=community)
        TicketTypeFactory(event=event, lottery=True)
        approval = TicketTypeFactory(event=event, approval=True)
        for _ in range(2):
            RegistrationFactory(ticket_type=approval, status=S.PENDING)
        log(event, None, "event.announce", event)
        log(event, None, "event.export_csv", event)
        if n == 0:
            EventFactory(
                community=community,
                starts_at=timezone.now() - dt.timedelta(days=3),
                ends_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(hours=3),
            )


def test_home_lists_pending_approvals_with_approve_buttons(org_client, community):
    event = EventFactory(community=community, title="Docker Meetup Tokyo #24")
    approval = TicketTypeFactory(event=event, approval=True, name="LT speaker")
    applicant = UserFactory(display_name="Kenji")
    registration = RegistrationFactory(ticket_type=approval, status=S.PENDING, user=applicant)

    response = org_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert [r.pk for r in response.context["approvals"]] == [registration.pk]
    decide = reverse("admin:events_registration_decide", args=[registration.pk])
    assert f'action="{decide}"' in response.content.decode()
    assert 'name="decision" value="approve"' in response.content.decode()


def test_home_query_count_does_not_grow_with_events(
    org_client, community, django_assert_num_queries
):
    _arrange(community, scale=1)
    org_client.get(reverse("admin:index"))  # the user is read from the cache from now on
    with django_assert_num_queries(8):
        org_client.get(reverse("admin:index"))
    _arrange(community, scale=6)
    with django_assert_num_queries(8):
        response = org_client.get(reverse("admin:index"))
    assert len(response.context["coming"]) == 7


def test_home_keeps_the_app_list_for_superusers(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:index"))

    labels = [app["app_label"] for app in response.context["app_list"]]
    assert "accounts" in labels and "events" in labels
    assert reverse("admin:events_auditlog_changelist") in response.content.decode()


def test_home_offers_next_event_for_each_community(org_client, community):
    response = org_client.get(reverse("admin:index"))

    body = response.content.decode()
    assert reverse("admin:events_event_next", args=[community.pk]) in body
    assert reverse("admin:events_event_add") in body


def test_home_shows_activity_in_sentences(org_client, community, organiser):
    event = EventFactory(community=community)
    tt = TicketTypeFactory(event=event, lottery=True, name="General (lottery)")
    log(event, organiser, "lottery.draw", tt, entries=276, seats=105, accepted=105)

    response = org_client.get(reverse("admin:index"))

    assert "Aiko drew the lottery of General (lottery): 105 seats, 171 waitlisted" in (
        response.content.decode()
    )


def test_home_shows_the_report_to_write_for_an_ended_event(org_client, community):
    past = timezone.now() - dt.timedelta(days=2)
    event = EventFactory(community=community, starts_at=past, ends_at=past + dt.timedelta(hours=3))

    response = org_client.get(reverse("admin:index"))

    assert [s.event.pk for s in response.context["ended"]] == [event.pk]
    assert reverse("admin:reports_report_create", args=[event.pk]) in response.content.decode()


# -- States in words ---------------------------------------------------------------------------


def _state(event, now=None):
    event = Event.objects.prefetch_related("ticket_types").get(pk=event.pk)
    return home.event_state(event, now or timezone.now()).sentence


def test_event_state_applications_open_until_close(community):
    event = EventFactory(community=community, timezone="Asia/Tokyo")
    tt = TicketTypeFactory(event=event)
    local = date_format(timezone.localtime(tt.closes_at, event.tzinfo), "DATETIME_FORMAT")

    assert _state(event) == f"Applications open until {local}"


def test_event_state_lottery_due_after_close(community):
    event = EventFactory(community=community)
    TicketTypeFactory(
        event=event,
        lottery=True,
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )

    assert _state(event) == "Lottery due: applications have closed"


def test_event_state_drawn(community):
    event = EventFactory(community=community)
    TicketTypeFactory(
        event=event,
        lottery=True,
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(hours=1),
        drawn_at=timezone.now(),
    )

    assert _state(event) == "Drawn"


def test_event_state_today_and_ended_and_draft(community):
    # Noon, so that "later today" exists whenever the test runs (after 23:00 it did not).
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    later_today = now.replace(hour=19)
    today = EventFactory(
        community=community, starts_at=later_today, ends_at=later_today + dt.timedelta(minutes=50)
    )
    ended = EventFactory(
        community=community,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now - dt.timedelta(hours=20),
    )
    draft = EventFactory(community=community, status=Event.Status.DRAFT)

    assert _state(today, now) == "Today, from 19:00"
    assert _state(ended, now) == "Ended"
    assert _state(draft, now) == "Draft: not published. No ticket types yet"


def test_event_state_reconfirmation_open(community):
    event = EventFactory(community=community)
    now = timezone.now()
    TicketTypeFactory(
        event=event,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now - dt.timedelta(days=1),
        reconfirm_opens_at=now - dt.timedelta(hours=1),
        reconfirm_deadline_at=now + dt.timedelta(days=1),
    )

    assert _state(event).startswith("Reconfirmation open until ")


# -- Approve and reject in place ------------------------------------------------------------


def test_decide_approves_through_the_workflow(org_client, community, organiser):
    approval = TicketTypeFactory(event=EventFactory(community=community), approval=True)
    registration = RegistrationFactory(ticket_type=approval, status=S.PENDING)

    response = org_client.post(
        reverse("admin:events_registration_decide", args=[registration.pk]),
        {"decision": "approve"},
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert registration.status == S.ACCEPTED
    assert registration.event.audit_log.get().action == "registration.approve"


def test_decide_rejects(org_client, community):
    approval = TicketTypeFactory(event=EventFactory(community=community), approval=True)
    registration = RegistrationFactory(ticket_type=approval, status=S.PENDING)

    org_client.post(
        reverse("admin:events_registration_decide", args=[registration.pk]),
        {"decision": "reject"},
    )

    registration.refresh_from_db()
    assert registration.status == S.REJECTED


def test_decide_htmx_renders_the_approvals_partial(org_client, community):
    approval = TicketTypeFactory(event=EventFactory(community=community), approval=True)
    first = RegistrationFactory(ticket_type=approval, status=S.PENDING)
    second = RegistrationFactory(ticket_type=approval, status=S.PENDING)

    response = org_client.post(
        reverse("admin:events_registration_decide", args=[first.pk]),
        {"decision": "approve"},
        headers={"hx-request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section class="bo-card" id="approvals"')
    assert reverse("admin:events_registration_decide", args=[second.pk]) in body
    assert reverse("admin:events_registration_decide", args=[first.pk]) not in body


def test_decide_in_another_community_is_404(org_client):
    other = TicketTypeFactory(approval=True)
    registration = RegistrationFactory(ticket_type=other, status=S.PENDING)

    response = org_client.post(
        reverse("admin:events_registration_decide", args=[registration.pk]),
        {"decision": "approve"},
    )

    registration.refresh_from_db()
    assert response.status_code == 404
    assert registration.status == S.PENDING


def test_decide_refuses_get(org_client, community):
    approval = TicketTypeFactory(event=EventFactory(community=community), approval=True)
    registration = RegistrationFactory(ticket_type=approval, status=S.PENDING)

    response = org_client.get(reverse("admin:events_registration_decide", args=[registration.pk]))

    assert response.status_code == 405
