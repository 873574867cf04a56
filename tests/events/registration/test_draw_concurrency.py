import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from events.models import Registration, TicketType
from events.registration import allocation, draw
from events.registration.draw import DrawError
from tests.factories import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status


@pytest.fixture
def closed_lottery_with_entries():
    now = timezone.now()
    tt = TicketTypeFactory(
        lottery=True,
        capacity=5,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    for _ in range(12):
        RegistrationFactory(ticket_type=tt, status=Status.PENDING)
    return tt


def draw_in_threads(tt, n=2):
    """Start `n` draws at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(draw.draw(TicketType.objects.get(pk=tt.pk), notify=False))
        except DrawError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def slow_weights(monkeypatch, seconds=0.3, locked=None):
    """Hold the draw inside its transaction a little, so the second draw surely overlaps."""
    real = draw.entry_weights
    reached = []

    def slow(tt, **kwargs):
        reached.append(tt.pk)
        if locked is not None:
            locked.set()
        threading.Event().wait(seconds)
        return real(tt, **kwargs)

    monkeypatch.setattr(draw, "entry_weights", slow)
    return reached


def test_two_simultaneous_draws_draw_once(postgres, closed_lottery_with_entries, monkeypatch):
    tt = closed_lottery_with_entries
    reached = slow_weights(monkeypatch)

    results = draw_in_threads(tt)

    summaries = [r for r in results if isinstance(r, draw.DrawSummary)]
    errors = [str(r) for r in results if isinstance(r, DrawError)]
    assert (len(summaries), len(errors)) == (1, 1)
    assert "already drawn" in errors[0]
    assert reached == [tt.pk]  # the loser never got past the checks
    ranks = Registration.objects.filter(ticket_type=tt).values_list("draw_rank", flat=True)
    assert sorted(ranks) == list(range(1, 13))
    assert Registration.objects.filter(ticket_type=tt, status=Status.ACCEPTED).count() == 5


def test_harness_sees_the_race_without_the_lock(postgres, closed_lottery_with_entries, monkeypatch):
    tt = closed_lottery_with_entries
    reached = slow_weights(monkeypatch)
    monkeypatch.setattr(draw, "lock_ticket_type", lambda t: TicketType.objects.get(pk=t.pk))

    draw_in_threads(tt)

    # Both draws passed the "already drawn" check: the lock is what serialises them.
    assert reached == [tt.pk, tt.pk]


def test_crash_mid_draw_changes_nothing_and_a_redraw_works(
    closed_lottery_with_entries, monkeypatch
):
    tt = closed_lottery_with_entries
    before = list(
        Registration.objects.filter(ticket_type=tt)
        .order_by("pk")
        .values_list("status", "draw_rank", "waitlist_rank", "decided_at")
    )
    real_store = draw._store_batch
    calls = []

    def store_then_crash(*args):
        calls.append(len(args[1]))
        if len(calls) > 1:
            raise RuntimeError("the database went away")
        real_store(*args)

    monkeypatch.setattr(draw, "STORE_BATCH", 5)
    monkeypatch.setattr(draw, "_store_batch", store_then_crash)

    with pytest.raises(RuntimeError):
        draw.draw(tt, notify=False)

    assert calls == [5, 5]  # the first batch was written before the crash
    after = list(
        Registration.objects.filter(ticket_type=tt)
        .order_by("pk")
        .values_list("status", "draw_rank", "waitlist_rank", "decided_at")
    )
    assert after == before
    assert TicketType.objects.get(pk=tt.pk).drawn_at is None

    monkeypatch.setattr(draw, "_store_batch", real_store)
    summary = draw.draw(tt, notify=False)

    assert (summary.entries, summary.accepted, summary.waitlisted) == (12, 5, 7)


def test_cancel_waits_for_a_running_draw(postgres, closed_lottery_with_entries, monkeypatch):
    tt = closed_lottery_with_entries
    locked = threading.Event()
    slow_weights(monkeypatch, locked=locked)
    entry = Registration.objects.filter(ticket_type=tt).first()

    def run_draw():
        try:
            draw.draw(TicketType.objects.get(pk=tt.pk), notify=False)
        finally:
            connection.close()

    thread = threading.Thread(target=run_draw)
    thread.start()
    locked.wait(timeout=10)  # the draw holds the ticket type lock from here
    allocation.cancel(entry, by=None)  # queues behind the draw's lock, then cancels
    thread.join()

    entry.refresh_from_db()
    assert entry.status == Status.CANCELLED
    assert entry.draw_rank is not None  # it was drawn before it was cancelled
