"""One event in every state: every page, the feed, the report and the API show the same figures."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import keys
from events import queries
from events.models import Registration, TicketType
from reports import figures as report_figures
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True)


@pytest.fixture
def event(organiser):
    """Ended yesterday. Lottery (4 seats, drawn): 4 accepted (3 checked in, 1 hidden from the
    list), 3 waitlisted (1 hidden), 2 cancelled (by the person, expired).
    Approval (3 seats): 1 accepted, 2 pending (1 hidden), 1 rejected, 1 cancelled by organisers."""
    starts = timezone.now() - dt.timedelta(days=1, hours=3)
    event = EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    window = {
        "opens_at": starts - dt.timedelta(days=20),
        "closes_at": starts - dt.timedelta(days=5),
    }
    lottery = TicketTypeFactory(event=event, lottery=True, capacity=4, position=0, **window)
    TicketType.objects.filter(pk=lottery.pk).update(
        drawn_at=starts - dt.timedelta(days=4), seats_at_draw=4
    )
    approval = TicketTypeFactory(event=event, approval=True, capacity=3, position=1, **window)
    for i in range(4):
        RegistrationFactory(
            ticket_type=lottery,
            status=S.ACCEPTED,
            draw_rank=i + 1,
            checked_in_at=starts if i < 3 else None,
            show_in_list=i != 0,
        )
    for i in range(3):
        RegistrationFactory(
            ticket_type=lottery,
            status=S.WAITLISTED,
            waitlist_rank=i + 1,
            draw_rank=i + 5,
            show_in_list=i != 2,
        )
    RegistrationFactory(ticket_type=lottery, status=S.CANCELLED, cancel_reason="self")
    RegistrationFactory(ticket_type=lottery, status=S.CANCELLED, cancel_reason="expired")
    RegistrationFactory(ticket_type=approval, status=S.ACCEPTED)
    RegistrationFactory(ticket_type=approval, status=S.PENDING)
    RegistrationFactory(ticket_type=approval, status=S.PENDING, show_in_list=False)
    RegistrationFactory(ticket_type=approval, status=S.REJECTED)
    RegistrationFactory(ticket_type=approval, status=S.CANCELLED, cancel_reason="organiser")
    return event


EXPECTED = {
    "seats": 7,
    "applicants": 10,  # 5 accepted + 3 waitlisted + 2 pending
    "accepted": 5,
    "waitlisted": 3,
    "pending": 2,
    "cancelled": 3,
    "rejected": 1,
    "checked_in": 3,
    "no_shows": 2,
    "applicants_per_seat": 1.4,
}


def test_figures_for_counts_every_state_once(event):
    figures = queries.figures_for(event)

    assert figures.total.as_dict() == EXPECTED
    lottery, approval = event.ticket_types.order_by("position")
    assert (figures.for_type(lottery).applicants, figures.for_type(lottery).per_seat) == (7, 1.8)
    assert (figures.for_type(approval).applicants, figures.for_type(approval).per_seat) == (3, 1.0)


def test_every_page_feed_report_and_api_show_the_same_figures(client, event, organiser):
    lottery = event.ticket_types.get(allocation="lottery")
    applied = f"{EXPECTED['applicants']} applied"

    # The event list (past events) and the Atom feed.
    listing = client.get(reverse("events:event_list"), {"when": "past"}, **EN)
    (listed,) = listing.context["events"]
    assert (listed.applicants, listed.seats) == (10, 7)
    assert f"{applied} / 7 seats" in listing.text
    feed = client.get(reverse("events:events_feed"), **EN).content.decode()
    assert f"{applied} / 7 seats" in feed

    # The event page: totals, per ticket type, and participant groups that add up.
    page = client.get(event.get_absolute_url(), **EN)
    assert page.context["totals"].as_dict() == EXPECTED
    assert f"{applied} for 7 seats" in page.text
    groups = {g.status: len(g.names) + g.hidden for g in page.context["participant_groups"]}
    assert groups == {"accepted": 5, "waitlisted": 3, "pending": 2}
    hidden = re.findall(r"and (\d+) more who chose not to be listed", page.text)
    assert hidden == ["1", "1", "1"]

    # The lottery audit page: the same figures for the lottery type, beside its entries.
    audit = client.get(reverse("events:lottery", args=[event.pk]), **EN)
    (audited,) = audit.context["ticket_types"]
    assert audited.figures.as_dict() == queries.figures_for(event).for_type(lottery).as_dict()

    # The back-office dashboard.
    client.force_login(organiser)
    dashboard = client.get(reverse("admin:events_event_dashboard", args=[event.pk]), **EN)
    assert dashboard.context["totals"].as_dict() == EXPECTED

    # The report's figures.
    report = report_figures.compute(event)
    assert {k: report[k] for k in EXPECTED} == EXPECTED

    # The API (connpass shape): accepted, waiting = waitlisted + pending, limit = seats.
    _key, raw = keys.create_key(UserFactory(), "tests")
    api = Client(HTTP_X_API_KEY=raw).get("/api/v2/events/", {"event_id": event.pk}).json()
    (shown,) = api["events"]
    assert (shown["accepted"], shown["waiting"], shown["limit"]) == (5, 5, 7)
