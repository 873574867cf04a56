"""A property-based test: random sequences of apply, cancel, capacity change, move, draw and
reconfirmation on one event, with the invariants checked after every step.

- accepted <= capacity in every ticket type;
- waitlist ranks are distinct, and the places people are shown are 1..n without a gap;
- every live registration is in exactly one state: one live registration per person, a
  waitlisted one has a rank, nobody waits for a lottery that has been drawn, a first-come type
  has no pending application, only accepted registrations are checked in;
- the published record of the draw (lottery.json, minus the current capacity) never changes
  once drawn.
"""

import contextlib
import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from events import queries
from events.models import Registration, TicketType
from events.registration import allocation, configuration, draw, reconfirm
from events.registration.allocation import RegistrationError
from events.views_lottery import lottery_document
from tests.factories import EventFactory, TicketTypeFactory, UserFactory

S = Registration.Status
PEOPLE = 8


def _record(event) -> list[dict]:
    """The draw's record: every published field except the current capacity."""
    return [
        {k: v for k, v in tt.items() if k != "capacity"}
        for tt in lottery_document(event)["ticket_types"]
        if tt["drawn_at"] is not None
    ]


class OneEvent(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.event = EventFactory()
        self.first_come = TicketTypeFactory(event=self.event, capacity=2, name="General")
        self.lottery = TicketTypeFactory(event=self.event, lottery=True, capacity=2, position=1)
        self.types = [self.first_come, self.lottery]
        self.people = UserFactory.create_batch(PEOPLE)
        self.published = None  # the draw's record, once drawn

    def _live(self):
        return list(
            Registration.objects.filter(event=self.event, status__in=Registration.LIVE_STATUSES)
            .select_related("user")
            .order_by("pk")
        )

    @rule(person=st.integers(0, PEOPLE - 1), which=st.integers(0, 1))
    def apply(self, person, which):
        with contextlib.suppress(RegistrationError):
            allocation.apply(self.types[which], user=self.people[person])

    @rule(pick=st.integers(0, 20))
    def cancel(self, pick):
        live = self._live()
        if live:
            registration = live[pick % len(live)]
            allocation.cancel(registration, by=registration.user)

    @rule(which=st.integers(0, 1), capacity=st.integers(0, 5))
    def change_capacity(self, which, capacity):
        tt = TicketType.objects.get(pk=self.types[which].pk)
        tt.capacity = capacity
        with contextlib.suppress(RegistrationError):
            configuration.change_ticket_type(tt, by=None)

    @rule(pick=st.integers(0, 20))
    def move(self, pick):
        live = self._live()
        if live:
            registration = live[pick % len(live)]
            target = next(t for t in self.types if t.pk != registration.ticket_type_id)
            with contextlib.suppress(RegistrationError):
                allocation.move(registration, target, by=None)

    @rule()
    def close_and_draw(self):
        past = timezone.now() - dt.timedelta(seconds=1)
        TicketType.objects.filter(pk=self.lottery.pk, drawn_at__isnull=True).update(
            closes_at=past, lottery_at=past
        )
        try:
            draw.draw(self.lottery, notify=False)
        except RegistrationError:
            return
        if self.published is None:
            self.published = _record(self.event)

    @rule(confirming=st.sets(st.integers(0, PEOPLE - 1)))
    def reconfirmation_round(self, confirming):
        """Ask the first-come seat holders, some confirm, the others expire at the deadline."""
        now = timezone.now()
        deadline = now + dt.timedelta(hours=1)
        TicketType.objects.filter(pk=self.first_come.pk).update(
            reconfirm_opens_at=now - dt.timedelta(hours=1), reconfirm_deadline_at=deadline
        )
        reconfirm.request_due(now=now)
        for registration in self._live():
            if registration.user in [self.people[i] for i in confirming]:
                with contextlib.suppress(RegistrationError):
                    reconfirm.confirm(registration, by=registration.user, now=now)
        reconfirm.expire_due(now=deadline + dt.timedelta(minutes=1))
        TicketType.objects.filter(pk=self.first_come.pk).update(
            reconfirm_opens_at=None, reconfirm_deadline_at=None
        )

    @invariant()
    def seats_never_exceed_capacity(self):
        for tt in TicketType.objects.filter(event=self.event):
            accepted = Registration.objects.filter(ticket_type=tt, status=S.ACCEPTED).count()
            assert accepted <= tt.capacity

    @invariant()
    def waitlist_places_are_distinct_and_contiguous(self):
        for tt in self.types:
            waiting = queries.with_waitlist_positions(
                Registration.objects.filter(ticket_type=tt, status=S.WAITLISTED)
            )
            ranks = [r.waitlist_rank for r in waiting]
            assert len(set(ranks)) == len(ranks)
            assert sorted(r.waitlist_position for r in waiting) == list(range(1, len(ranks) + 1))

    @invariant()
    def every_live_registration_is_in_exactly_one_state(self):
        live = self._live()
        assert len({r.user_id for r in live}) == len(live)
        drawn = TicketType.objects.get(pk=self.lottery.pk).is_drawn
        for registration in live:
            if registration.status == S.WAITLISTED:
                assert registration.waitlist_rank is not None
            if registration.status == S.PENDING:
                assert registration.ticket_type_id == self.lottery.pk and not drawn
            if registration.checked_in_at is not None:
                assert registration.status == S.ACCEPTED

    @invariant()
    def the_draw_record_never_changes(self):
        if self.published is not None:
            assert _record(self.event) == self.published


@pytest.mark.django_db
def test_random_sequences_keep_the_invariants():
    run_state_machine_as_test(
        OneEvent,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
