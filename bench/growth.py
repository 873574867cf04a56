"""Growth: the event list, the search and the API search with 50 and with 50,000 events.

    .venv/bin/python bench/growth.py [--big 50000]

Production settings on a fresh PostgreSQL database (BENCH_PG). Loads 50 events (each with a
ticket type and two registrations), times each page in this process through Django's test
client (median of ROUNDS requests, the anonymous page cache off and the API open without a rate
limit, so every request does the work), then adds events up to 50,000 with their ticket types
and registrations, analyses, and times the same pages again. Ten events — in both sets — carry
the searched word, so both searches find the same ten. Prints both times, their ratio, the
queries per page, and the EXPLAIN plan of every query of each page on the big set, flagging a
sequential scan on a big table. The time must not grow in proportion to the data (1,000×).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    database_name,
    machine_state,
    manage,
    production_env,
    recreate_database,
)

DATABASE = database_name("growth")
ROUNDS = 30
WORD = "Wasm"
MATCHES = 10
BIG_TABLES = ("events_event", "events_registration", "events_tickettype", "accounts_user")
TOPICS = ["Docker", "Rust", "Python", "Go", "Kubernetes", "TypeScript", "Elixir", "Haskell"]
PAGES = {
    "event list": "/events/",
    "search": f"/events/?q={WORD}",
    "API search": f"/api/v2/events/?keyword={WORD}&order=2",
}


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def receipt(n: int) -> str:
    from events.models import RECEIPT_ALPHABET, RECEIPT_LENGTH

    base = len(RECEIPT_ALPHABET)
    digits = []
    for _ in range(RECEIPT_LENGTH):
        n, d = divmod(n, base)
        digits.append(RECEIPT_ALPHABET[d])
    return "".join(reversed(digits))


def load(start: int, stop: int, users, communities) -> None:
    """Events start..stop-1: 10% upcoming; the first MATCHES mention WORD; two registrations each."""
    from django.utils import timezone

    from events.models import Event, Registration, TicketType

    now = timezone.now()
    batch = 5_000
    for first in range(start, stop, batch):
        numbers = range(first, min(first + batch, stop))
        events = []
        for i in numbers:
            upcoming = i % 10 == 0
            starts = (
                now + dt.timedelta(days=1 + i % 300)
                if upcoming
                else now - dt.timedelta(days=1 + i % 3650)
            )
            topic = TOPICS[i % len(TOPICS)]
            title = f"{WORD} and {topic} #{i}" if i < MATCHES else f"{topic} Meetup #{i}"
            events.append(
                Event(
                    community=communities[i % len(communities)],
                    number=i,
                    title=title,
                    catch=f"Talks and beer about {topic}",
                    description=f"## {topic}\n\nTalks, lightning talks and a social.",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                    venue_name=f"Hall {i % 97}",
                    status=Event.Status.PUBLISHED,
                    published_at=starts - dt.timedelta(days=30),
                )
            )
        events = Event.objects.bulk_create(events)
        types = TicketType.objects.bulk_create(
            [
                TicketType(
                    event=e,
                    name="General",
                    capacity=50,
                    allocation=TicketType.Allocation.FIRST_COME,
                    opens_at=e.starts_at - dt.timedelta(days=30),
                    closes_at=e.starts_at - dt.timedelta(hours=1),
                )
                for e in events
            ]
        )
        Registration.objects.bulk_create(
            [
                Registration(
                    ticket_type=tt,
                    event_id=tt.event_id,
                    user=users[(tt.event.number * 2 + k) % len(users)],
                    receipt=receipt(tt.event.number * 2 + k),
                    status=Registration.Status.ACCEPTED,
                    applied_at=tt.opens_at,
                    decided_at=tt.opens_at,
                )
                for tt in types
                for k in range(2)
            ],
            batch_size=5_000,
        )


def measure(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = {}, {}
    for name, path in PAGES.items():
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            client.get(path)
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            text = client.get(path).content.decode()
        times[name] = statistics.median(samples)
        queries[name] = ([q["sql"] for q in captured.captured_queries], WORD in text)
    return times, queries


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return [row[0] for row in cursor.fetchall()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    args = parser.parse_args()
    recreate_database(DATABASE)
    env = production_env(DATABASE, MEETUP_API_OPEN="1", MEETUP_API_RATE="0")
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    setup_django(env)

    from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: F401
    from django.db import connection
    from django.test import Client, override_settings

    from accounts.models import User
    from events.models import Community

    print(
        f"Growth: {args.small} vs {args.big:,} events (PostgreSQL, in-process, median of {ROUNDS})"
    )
    print(f"  {machine_state()}")
    users = User.objects.bulk_create(
        [User(email=f"g{i}@example.com", nickname=f"g{i}") for i in range(2_000)]
    )
    communities = Community.objects.bulk_create(
        [Community(slug=f"c{i}", name=f"Community {i}") for i in range(100)]
    )
    # Static files are not collected for this bench: plain storage, same pages.
    with override_settings(
        MEETUP_ANONYMOUS_CACHE_SECONDS=0,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        load(0, args.small, users, communities)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        small, small_queries = measure(Client())
        started = time.perf_counter()
        load(args.small, args.big, users, communities)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        loaded = time.perf_counter() - started
        big, big_queries = measure(Client())

    print(f"  (loaded {args.big - args.small:,} more events with ticket types and "
          f"{2 * (args.big - args.small):,} registrations in {loaded:.0f} s)")  # fmt: skip
    print(f"  {'page':<12}{args.small:>10} ev{args.big:>10,} ev{'ratio':>8}{'queries':>10}"
          f"  finds the {MATCHES}")  # fmt: skip
    ok = True
    for name in PAGES:
        n_small, n_big = len(small_queries[name][0]), len(big_queries[name][0])
        print(f"  {name:<12}{small[name] * 1000:>9.1f}ms{big[name] * 1000:>11.1f}ms"
              f"{big[name] / small[name]:>8.2f}{f'{n_small}/{n_big}':>10}"
              f"  {small_queries[name][1]}/{big_queries[name][1]}")  # fmt: skip
    print(f"  EXPLAIN of every query of each page with {args.big:,} events:")
    for name in PAGES:
        for sql in big_queries[name][0]:
            if "events_event" not in sql and "events_registration" not in sql:
                continue
            plan = explain(sql)
            seq = [
                line.strip()
                for line in plan
                if "Seq Scan" in line and any(t in line for t in BIG_TABLES)
            ]
            nodes = [line.strip().split("  (")[0] for line in plan if "Scan" in line]
            verdict = "SEQ SCAN: " + "; ".join(seq) if seq else "no Seq Scan on a big table"
            ok &= not seq
            print(f"  · {name}: {sql[:90]}…")
            print(f"      {verdict}")
            print(f"      scans: {', '.join(dict.fromkeys(n.lstrip('-> ') for n in nodes))}")
            if args.plans:
                print("\n".join("        " + line for line in plan))
    print(f"  {machine_state()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
