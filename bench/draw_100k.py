"""Time of a stored 100,000-entry lottery draw ÷ time of a raw bulk UPDATE of the same rows.

    python bench/draw_100k.py [--entries 100000] [--compare]

Needs PostgreSQL at 127.0.0.1:5432 (BENCH_PG to change it); uses its own database,
meetup_bench_draw, recreated on every run. Production settings (DEBUG off).

The baseline is one `UPDATE` statement writing the same five columns (status, draw_rank,
waitlist_rank, lottery_weight, decided_at) of 100,000 pending rows, with values PostgreSQL
computes itself: the least any draw could cost to store its result. The baseline and the draw
each get their own identical 100,000 rows in the same table, freshly vacuumed. The draw is the real workflow
(`events.registration.draw.draw`): lock, read the entries, hash, rank, store, record the digest, commit.
`--compare` also times the draw storing through Django's `bulk_update` instead.
Target: draw under 2 s and under 2× the raw UPDATE.
"""

import argparse
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import database_name, machine_state, manage, production_env, recreate_database

DATABASE = database_name("draw")


def setup_django():
    os.environ.update(production_env(DATABASE))
    import django

    django.setup()


def make_lottery(label: str, entries: int):
    from django.db import connection
    from django.utils import timezone

    from events.models import RECEIPT_ALPHABET, Community, Event, Registration, TicketType

    now = timezone.now()
    community = Community.objects.create(slug=f"bench-{label}", name=f"Bench {label}")
    event = Event.objects.create(
        community=community,
        number=1,
        title=f"Bench {label}",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=3),
        status=Event.Status.PUBLISHED,
    )
    tt = TicketType.objects.create(
        event=event,
        name="General (lottery)",
        capacity=1_000,
        allocation=TicketType.Allocation.LOTTERY,
        opens_at=now - dt.timedelta(days=7),
        closes_at=now - dt.timedelta(hours=1),
        lottery_at=now - dt.timedelta(hours=1),
    )
    receipts: set[str] = set()
    while len(receipts) < entries:
        receipts.add("".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8)))

    template = Registration(ticket_type=tt, event=event, status=Registration.Status.PENDING)
    fields = [f for f in Registration._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    receipt_at = [f.name for f in fields].index("receipt")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Registration._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for receipt in receipts:
            row = list(base)
            row[receipt_at] = receipt
            copy.write_row(row)
    return tt


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE events_registration")


def raw_update_seconds(tt) -> float:
    """One committed UPDATE writing the draw's five columns of every entry of `tt`."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM events_registration WHERE ticket_type_id = %s", [tt.pk])
        (first,) = cursor.fetchone()
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                """UPDATE events_registration SET status = 'waitlisted',
                       draw_rank = id - %s + 1, waitlist_rank = id - %s + 1,
                       lottery_weight = 1, decided_at = now()
                   WHERE ticket_type_id = %s AND status = 'pending'""",
                [first, first, tt.pk],
            )
            updated = cursor.rowcount
        elapsed = time.perf_counter() - started
    assert updated == tt.registrations.count(), updated
    return elapsed


def draw_seconds(tt) -> tuple[float, object]:
    from events.registration import draw

    started = time.perf_counter()
    summary = draw.draw(tt, notify=False)
    return time.perf_counter() - started, summary


def verified(tt) -> bool:
    from events.registration import lottery
    from events.views_lottery import lottery_document

    document = lottery_document(tt.event)["ticket_types"][0]
    return lottery.verify(document) == []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument(
        "--compare", action="store_true", help="also time the draw through bulk_update"
    )
    args = parser.parse_args()

    env = production_env(DATABASE)
    recreate_database(DATABASE)
    manage(env, "migrate", "-v0")
    setup_django()

    from events.registration import draw, lottery

    # Two identical lotteries in one table, each written once from fresh: B by the raw UPDATE,
    # A by the draw, so neither pays for the other's dead rows.
    tt = make_lottery("drawn", args.entries)
    baseline = make_lottery("raw", args.entries)
    vacuum()
    raw = raw_update_seconds(baseline)
    vacuum()
    seconds, summary = draw_seconds(tt)
    assert summary.entries == args.entries

    # Where the time goes: the algorithm alone, in memory, on the same entries.
    receipts = list(tt.registrations.values_list("receipt", flat=True))
    started = time.perf_counter()
    lottery.draw(bytes(tt.seed), [(r, 1) for r in receipts], summary.seats)
    hashing = time.perf_counter() - started

    print(f"Lottery draw of {args.entries:,} entries on PostgreSQL, stored (one transaction)")
    print(f"  {machine_state()}")
    print(f"  raw bulk UPDATE of the same rows : {raw:7.3f} s")
    print(f"  draw (lock, read, rank, store)   : {seconds:7.3f} s")
    print(f"    of which hashing and sorting   : {hashing:7.3f} s")
    print(f"  ratio draw / raw UPDATE          : {seconds / raw:7.2f} ×")
    print(
        f"  target < 2 s and < 2×            : "
        f"{'met' if seconds < 2 and seconds < 2 * raw else 'NOT met'}"
    )
    print(f"  published record verifies        : {verified(tt)}")

    if args.compare:
        draw.UNNEST_UPDATE = False
        other = make_lottery("bulk-update", args.entries)
        vacuum()
        slow, _ = draw_seconds(other)
        print(f"  same draw through bulk_update    : {slow:7.3f} s ({slow / raw:.2f} × raw)")


if __name__ == "__main__":
    main()
