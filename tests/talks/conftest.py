import datetime as dt

import pytest
from django.utils import timezone

from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory, TicketTypeFactory


def register(event, status=Registration.Status.ACCEPTED, **kwargs):
    """A registration for `event`, on a ticket type whose window closed before it started."""
    ticket_type = TicketTypeFactory(
        event=event,
        opens_at=event.starts_at - dt.timedelta(days=20),
        closes_at=event.starts_at - dt.timedelta(days=2),
    )
    return RegistrationFactory(ticket_type=ticket_type, status=status, **kwargs)


@pytest.fixture
def started_event(db):
    start = timezone.now() - dt.timedelta(hours=1)
    return EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3))


@pytest.fixture
def participant(started_event):
    return register(started_event).user
