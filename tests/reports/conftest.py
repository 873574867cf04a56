import datetime as dt

import pytest
from django.utils import timezone

from events.models import Registration, TicketType
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
)


@pytest.fixture
def past_event(community):
    starts = timezone.now() - dt.timedelta(days=10)
    return EventFactory(
        community=community, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )


@pytest.fixture
def future_event(community):
    return EventFactory(community=community)


@pytest.fixture
def drawn_at():
    return timezone.now() - dt.timedelta(days=12)


@pytest.fixture
def event_with_registrations(past_event, drawn_at):
    """Lottery (3 seats): 3 accepted (2 checked in), 4 waitlisted, 1 cancelled.
    First come (2 seats): 2 accepted (1 checked in), 1 rejected."""
    lottery = TicketTypeFactory(
        event=past_event,
        lottery=True,
        capacity=3,
        position=0,
        opens_at=past_event.starts_at - dt.timedelta(days=20),
        closes_at=past_event.starts_at - dt.timedelta(days=13),
    )
    TicketType.objects.filter(pk=lottery.pk).update(drawn_at=drawn_at)
    first_come = TicketTypeFactory(
        event=past_event,
        capacity=2,
        position=1,
        opens_at=past_event.starts_at - dt.timedelta(days=20),
        closes_at=past_event.starts_at - dt.timedelta(days=13),
    )
    checked = past_event.starts_at
    S = Registration.Status
    for i in range(3):
        RegistrationFactory(
            ticket_type=lottery, status=S.ACCEPTED, checked_in_at=checked if i < 2 else None
        )
    for rank in range(1, 5):
        RegistrationFactory(ticket_type=lottery, status=S.WAITLISTED, waitlist_rank=rank)
    RegistrationFactory(ticket_type=lottery, status=S.CANCELLED)
    RegistrationFactory(ticket_type=first_come, status=S.ACCEPTED, checked_in_at=checked)
    RegistrationFactory(ticket_type=first_come, status=S.ACCEPTED)
    RegistrationFactory(ticket_type=first_come, status=S.REJECTED)
    return past_event


@pytest.fixture
def past_ticket_type(past_event):
    return TicketTypeFactory(
        event=past_event,
        opens_at=past_event.starts_at - dt.timedelta(days=20),
        closes_at=past_event.starts_at - dt.timedelta(days=13),
    )
