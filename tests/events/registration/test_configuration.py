"""Configuration changes through events.registration.configuration: allocation, capacity, schedule."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from events.models import AuditLog, Registration, TicketType
from events.registration import configuration, draw
from events.registration.allocation import RegistrationError
from tests.factories import EventFactory, RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_change_allocation_with_entries_is_refused_with_the_count():
    tt = TicketTypeFactory(lottery=True, name="General")
    RegistrationFactory.create_batch(3, ticket_type=tt, status=S.PENDING)
    tt.allocation = TicketType.Allocation.FIRST_COME

    with pytest.raises(RegistrationError) as refused:
        configuration.change_ticket_type(tt, by=None)

    assert str(refused.value) == (
        "“General” already has 3 registrations made under Lottery; its allocation cannot "
        "change to First come, first served. Create a new ticket type instead."
    )
    assert TicketType.objects.get(pk=tt.pk).allocation == TicketType.Allocation.LOTTERY


def test_change_allocation_after_the_draw_is_refused():
    tt = TicketTypeFactory(lottery=True, name="General")
    RegistrationFactory(ticket_type=tt, status=S.PENDING)
    TicketType.objects.filter(pk=tt.pk).update(closes_at=timezone.now(), lottery_at=timezone.now())
    draw.draw(tt, notify=False)
    tt.refresh_from_db()

    reason = configuration.why_not_change_allocation(tt, TicketType.Allocation.FIRST_COME)

    assert reason.startswith("The lottery of “General” was drawn on ")
    assert reason.endswith("so that the published draw can still be verified.")


def test_change_allocation_without_entries_is_saved():
    tt = TicketTypeFactory()
    tt.allocation = TicketType.Allocation.APPROVAL

    configuration.change_ticket_type(tt, by=None)

    assert TicketType.objects.get(pk=tt.pk).allocation == TicketType.Allocation.APPROVAL
    assert AuditLog.objects.filter(action="ticket_type.allocation").count() == 1


def test_change_ticket_type_refused_writes_nothing():
    tt = TicketTypeFactory(capacity=5, name="General")
    RegistrationFactory.create_batch(3, ticket_type=tt)
    tt.capacity, tt.name = 2, "Renamed"

    with pytest.raises(RegistrationError) as refused:
        configuration.change_ticket_type(tt, by=None)

    assert str(refused.value) == (
        "3 people already hold a seat, so the capacity cannot go below 3 (you entered 2). "
        "Cancel registrations first if you need fewer seats."
    )
    assert TicketType.objects.values_list("capacity", "name").get(pk=tt.pk) == (5, "General")


def test_change_ticket_type_raising_capacity_promotes_in_the_same_call():
    tt = TicketTypeFactory(capacity=1)
    RegistrationFactory(ticket_type=tt)
    first = RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    second = RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=2)
    tt.capacity = 2

    configuration.change_ticket_type(tt, by=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.ACCEPTED, S.WAITLISTED)


def test_update_event_mails_every_live_registrant_in_their_language(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Rust Tokyo #1", venue_name="Old Hall")
    tt = TicketTypeFactory(event=event)
    english = RegistrationFactory(ticket_type=tt, language="en")
    japanese = RegistrationFactory(
        ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1, language="ja"
    )
    RegistrationFactory(ticket_type=tt, status=S.CANCELLED, language="en")
    old = {"venue_name": event.venue_name, "starts_at": event.starts_at}
    event.venue_name = "New Hall"
    event.starts_at = event.starts_at + dt.timedelta(hours=1)
    event.ends_at = event.ends_at + dt.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        changes = configuration.update_event(event, old=old, by=None)

    assert sorted(changes) == ["starts_at", "venue_name"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([english.user.email, japanese.user.email])
    assert by_address[english.user.email].subject == "Changed: Rust Tokyo #1"
    assert "Venue: New Hall\n  (was: Old Hall)" in by_address[english.user.email].body
    assert by_address[japanese.user.email].subject == "変更のお知らせ: Rust Tokyo #1"
    assert "会場: New Hall" in by_address[japanese.user.email].body


def test_update_event_without_schedule_change_mails_no_one(django_capture_on_commit_callbacks):
    event = EventFactory()
    RegistrationFactory(ticket_type=TicketTypeFactory(event=event))
    old = {"venue_name": event.venue_name}
    event.title = "A new title"

    with django_capture_on_commit_callbacks(execute=True):
        changes = configuration.update_event(event, old=old, by=None)

    assert (changes, mail.outbox) == ({}, [])
