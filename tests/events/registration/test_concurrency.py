"""Races on PostgreSQL: many workers, each with its own database connection, at once.

Each race test has a control that removes the row lock (and widens the window between count
and write with the test-only hook) and shows the invariant breaking: the harness can fail.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone, translation

from events.models import AuditLog, Registration, TicketType
from events.registration import allocation, configuration, reconfirm
from tests.factories import RegistrationFactory, TicketTypeFactory, UserFactory

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


# -- Reconfirmation, configuration, moves and double cancels --------------------------------


def _confirm_racing_expiry(monkeypatch):
    """The expiry lists a silent seat as overdue; its holder confirms before it is cancelled."""
    now = timezone.now()
    tt = TicketTypeFactory(
        capacity=1,
        reconfirm_opens_at=now - dt.timedelta(hours=2),
        reconfirm_deadline_at=now + dt.timedelta(hours=1),
    )
    holder = RegistrationFactory(
        ticket_type=tt, status=S.ACCEPTED, reconfirm_requested_at=now - dt.timedelta(hours=1)
    )
    waiting = RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    monkeypatch.setattr(reconfirm, "_after_list_hook", lambda: time.sleep(0.4))
    deadline = tt.reconfirm_deadline_at

    def confirm_at_the_last_second():
        time.sleep(0.1)  # after the expiry has listed the seat
        return reconfirm.confirm(holder, by=holder.user, now=deadline - dt.timedelta(seconds=1))

    results = run_at_once(
        [
            lambda: reconfirm.expire_due(now=deadline + dt.timedelta(minutes=1)),
            confirm_at_the_last_second,
        ]
    )
    holder.refresh_from_db()
    waiting.refresh_from_db()
    return results, holder, waiting


def test_confirm_racing_expiry_keeps_the_confirmed_seat(postgres, monkeypatch):
    results, holder, waiting = _confirm_racing_expiry(monkeypatch)

    assert errors(results) == []
    assert results[0] == 0  # nothing expired
    assert (holder.status, holder.confirmed_at is not None) == (S.ACCEPTED, True)
    assert waiting.status == S.WAITLISTED


def test_confirm_racing_expiry_control_gives_the_seat_away_without_the_recheck(
    postgres, monkeypatch
):
    monkeypatch.setattr(allocation, "_still_unconfirmed", lambda registration: True)

    results, holder, waiting = _confirm_racing_expiry(monkeypatch)

    assert results[0] == 1  # proves the test above can fail
    assert (holder.status, holder.confirmed_at is not None) == (S.CANCELLED, True)
    assert waiting.status == S.ACCEPTED


def _capacity_change_racing_applications(monkeypatch):
    tt = TicketTypeFactory(capacity=5)
    for user in UserFactory.create_batch(4):
        allocation.apply(tt, user=user)
    lowered = TicketType.objects.get(pk=tt.pk)
    lowered.capacity = 4
    calls = [lambda: configuration.change_ticket_type(lowered, by=None)]
    calls += [lambda u=u: allocation.apply(tt, user=u) for u in UserFactory.create_batch(3)]
    results = run_at_once(calls)
    tt.refresh_from_db()
    return results, tt


def test_capacity_change_racing_applications_never_leaves_more_seats_taken(postgres, monkeypatch):
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(0.02))

    results, tt = _capacity_change_racing_applications(monkeypatch)

    taken = counts(tt)["accepted"]
    assert taken <= tt.capacity
    # Either the capacity went down first (4 seats, 3 waiting) or a newcomer took the fifth
    # seat first and the change was refused with the numbers.
    assert (tt.capacity, taken, [str(e) for e in errors(results)]) in [
        (4, 4, []),
        (
            5,
            5,
            [
                "5 people already hold a seat, so the capacity cannot go below 5 (you entered "
                "4). Cancel registrations first if you need fewer seats."
            ],
        ),
    ]


def test_capacity_change_control_oversells_without_the_lock(postgres, monkeypatch):
    without_lock(monkeypatch)
    monkeypatch.setattr(configuration, "lock_ticket_type", allocation.lock_ticket_type)

    _results, tt = _capacity_change_racing_applications(monkeypatch)

    assert counts(tt)["accepted"] > tt.capacity  # proves the test above can fail


def _move_racing_application():
    source = TicketTypeFactory(capacity=5)
    target = TicketTypeFactory(event=source.event, name="Blog", capacity=1)
    mover = allocation.apply(source, user=UserFactory())
    newcomer = UserFactory()
    results = run_at_once(
        [
            lambda: allocation.move(mover, target, by=None),
            lambda: allocation.apply(target, user=newcomer),
        ]
    )
    return results, target


def test_move_racing_application_gives_the_last_seat_once(postgres, monkeypatch):
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(0.02))

    results, target = _move_racing_application()

    assert counts(target)["accepted"] == 1
    assert [str(e) for e in errors(results)] in [
        [],  # the move came second: the newcomer was waitlisted
        ["No seat is free in “Blog” (1 of 1 taken)."],
    ]


def test_move_control_gives_the_seat_twice_without_the_lock(postgres, monkeypatch):
    without_lock(monkeypatch)

    _results, target = _move_racing_application()

    assert counts(target)["accepted"] == 2  # proves the test above can fail


def _two_cancels_of_one_seat():
    tt = TicketTypeFactory(capacity=1)
    holder = allocation.apply(tt, user=UserFactory())
    first = allocation.apply(tt, user=UserFactory())
    second = allocation.apply(tt, user=UserFactory())
    results = run_at_once([lambda: allocation.cancel(holder, by=holder.user) for _ in range(2)])
    first.refresh_from_db()
    second.refresh_from_db()
    return results, first, second


def test_two_cancels_of_one_seat_cancel_and_promote_once(postgres, monkeypatch):
    monkeypatch.setattr(allocation, "_after_count_hook", lambda: time.sleep(0.02))

    results, first, second = _two_cancels_of_one_seat()

    assert [str(e) for e in errors(results)] == ["This registration is already cancelled."]
    assert (first.status, second.status) == (S.ACCEPTED, S.WAITLISTED)
    assert AuditLog.objects.filter(action="registration.promote").count() == 1


def test_two_cancels_control_cancels_twice_without_the_locks(postgres, monkeypatch):
    without_lock(monkeypatch)
    monkeypatch.setattr(
        allocation, "_fresh", lambda r: Registration.objects.select_related("user").get(pk=r.pk)
    )

    results, _first, _second = _two_cancels_of_one_seat()

    assert errors(results) == []  # both went through: proves the test above can fail
