"""Races on PostgreSQL: many workers, each with its own database connection, at once.

Each race test has a control that removes the row lock (and widens the window between count
and write with the test-only hook) and shows the invariant breaking: the harness can fail.
"""

import threading
import time

import pytest
from django.db import connection
from django.utils import translation

from events.models import Registration, TicketType
from events.registration import allocation
from tests.factories import TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

S = Registration.Status


def run_at_once(calls):
    """Run the callables in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            connection.ensure_connection()  # this thread's own connection, opened beforehand
            barrier.wait(timeout=30)
            with translation.override("en"):
                results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def errors(results):
    return [r for r in results if isinstance(r, Exception)]


def counts(ticket_type):
    rows = Registration.objects.filter(ticket_type=ticket_type)
    return {
        "accepted": rows.filter(status=S.ACCEPTED).count(),
        "waitlisted": rows.filter(status=S.WAITLISTED).count(),
    }


def waitlist_ranks(ticket_type):
    return sorted(
        Registration.objects.filter(ticket_type=ticket_type, status=S.WAITLISTED).values_list(
            "waitlist_rank", flat=True
        )
    )


def without_lock(monkeypatch, pause=0.05):
    monkeypatch.setattr(
        allocation,
        "lock_ticket_type",
        lambda tt: TicketType.objects.select_related("event", "event__community").get(
            pk=getattr(tt, "pk", tt)
        ),
    )
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(pause))


def fifty_applications(ticket_type):
    users = UserFactory.create_batch(50)
    return [lambda u=u: allocation.apply(ticket_type, user=u) for u in users]


def test_apply_never_oversells_with_fifty_concurrent_workers(postgres, monkeypatch):
    tt = TicketTypeFactory(capacity=10)
    # The same widened window as the control: only the lock differs.
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(0.005))
    results = run_at_once(fifty_applications(tt))
    assert errors(results) == []
    assert counts(tt) == {"accepted": 10, "waitlisted": 40}
    assert waitlist_ranks(tt) == list(range(1, 41))


def test_apply_control_oversells_without_the_lock(postgres, monkeypatch):
    tt = TicketTypeFactory(capacity=10)
    without_lock(monkeypatch)
    run_at_once(fifty_applications(tt))
    assert counts(tt)["accepted"] > 10  # proves the race test above can fail


def _arrange_full_with_waitlist(tt, accepted=10, waitlisted=5):
    people = [UserFactory() for _ in range(accepted + waitlisted)]
    registrations = [allocation.apply(tt, user=u) for u in people]
    return registrations[:accepted], registrations[accepted:]


def _cancel_and_apply_race(tt):
    holders, waiting = _arrange_full_with_waitlist(tt)
    newcomers = UserFactory.create_batch(30)
    calls = [lambda r=r: allocation.cancel(r, by=r.user) for r in holders]
    calls += [lambda r=r: allocation.cancel(r, by=r.user) for r in waiting[:3]]
    calls += [lambda u=u: allocation.apply(tt, user=u) for u in newcomers]
    return run_at_once(calls)


def test_cancellations_racing_applications_move_up_in_order(postgres, monkeypatch):
    tt = TicketTypeFactory(capacity=10)
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(0.005))
    results = _cancel_and_apply_race(tt)
    assert errors(results) == []
    # 10 + 5 live, 13 cancelled, 30 new: 32 live; the 10 seats are all given, in rank order.
    assert counts(tt) == {"accepted": 10, "waitlisted": 22}
    promoted = Registration.objects.filter(
        ticket_type=tt, status=S.ACCEPTED, waitlist_rank__isnull=False
    ).values_list("waitlist_rank", flat=True)
    assert max(promoted) < min(waitlist_ranks(tt))
    assert len(set(waitlist_ranks(tt))) == 22


def test_cancellations_control_loses_or_doubles_seats_without_the_lock(postgres, monkeypatch):
    tt = TicketTypeFactory(capacity=10)
    without_lock(monkeypatch)
    results = _cancel_and_apply_race(tt)
    # Concurrent cancels promote the same person, applicants take seats past the waitlist,
    # or ranks collide: the invariants of the locked test above do not hold.
    assert (counts(tt), errors(results)) != ({"accepted": 10, "waitlisted": 22}, [])


def test_double_submit_from_two_tabs_makes_one_registration(postgres):
    tt = TicketTypeFactory(capacity=10)
    other = TicketTypeFactory(event=tt.event, name="Blog", capacity=10)
    user = UserFactory()
    results = run_at_once(
        [lambda t=t: allocation.apply(t, user=user) for t in (tt, other, tt, other)]
    )
    refused = [r for r in results if isinstance(r, allocation.RegistrationError)]
    assert len(refused) == 3
    assert {str(r) for r in refused} == {"You are already registered for this event."}
    assert Registration.objects.filter(user=user).count() == 1
