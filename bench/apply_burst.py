"""1,000 signed-in, verified users apply at once: to a 100-seat first-come ticket type, then to a
100-seat lottery type (drawn afterwards), against one gunicorn server — or, with --servers 2,
against two gunicorn servers on two ports sharing one PostgreSQL and one Redis, each user's
request going to the servers in turn (see bench/scale_out.py).

    .venv/bin/python bench/apply_burst.py [--users 1000] [--seats 100] [--clients 100]

Production settings (DJANGO_DEBUG=0, DJANGO_HTTPS=0) on a fresh PostgreSQL database, the cache
in Redis (BENCH_REDIS_URL; empty: the database cache), plus one
bench-only do-nothing view behind the same middleware (bench/apply_settings.py). Prints, per
ticket type: accepted / waitlisted / pending, errors, applications/s, p50/p99 latency, and
applications/s ÷ the do-nothing view's requests/s fired the same way in the same run. For the
lottery it then draws and checks that exactly `seats` were accepted. Exits non-zero if a seat
was given twice, a count is off or a request failed.
Bounded: 30 s per request, DEADLINE_SECONDS for the whole run, loopback only.
"""

import argparse
import datetime as dt
import http.client
import os
import signal
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    PORT,
    REDIS_URL,
    collectstatic,
    database_name,
    gunicorn,
    machine_state,
    manage,
    production_env,
    recreate_database,
    redis_env,
)

DEADLINE_SECONDS = 420
REQUEST_TIMEOUT = 30.0


# -- Setup (in this process, on the bench database) -----------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def make_users(n: int) -> list[tuple[str, str]]:
    """n verified users, each signed in: [(session key, CSRF secret)]."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import User

    password = make_password("bench-password")  # hashed once, shared: sign-in is not measured
    User.objects.bulk_create(
        [User(email=f"bench{i}@example.com", nickname=f"bench{i}", password=password) for i in range(n)]
    )  # fmt: skip
    people = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people]
    )
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(days=1)
    sessions, cookies = [], []
    for user in people:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        cookies.append((key, get_random_string(32)))  # a CSRF secret: letters and digits
    Session.objects.bulk_create(sessions)
    return cookies


def make_ticket_type(number: int, allocation: str, seats: int):
    from django.utils import timezone

    from events.models import Community, Event, TicketType

    now = timezone.now()
    community, _ = Community.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    event = Event.objects.create(
        community=community,
        number=number,
        title=f"Bench #{number}",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=2),
        status=Event.Status.PUBLISHED,
    )
    return TicketType.objects.create(
        event=event,
        name=allocation,
        capacity=seats,
        allocation=allocation,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=6),
        lottery_at=now + dt.timedelta(days=6) if allocation == "lottery" else None,
    )


# -- Load ------------------------------------------------------------------------------------


def request(port, method, path, headers=None, body=None, timeout=REQUEST_TIMEOUT):
    """(status or error repr, seconds, body bytes). Loopback only."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data
    except OSError as exc:
        return repr(exc), time.perf_counter() - started, b""
    finally:
        conn.close()


def burst(calls, clients):
    """Run the calls with `clients` threads released together; (results, wall seconds)."""
    gate = threading.Event()

    def run(call):
        gate.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(run, call) for call in calls]
        started = time.perf_counter()
        gate.set()
        results = [f.result(timeout=DEADLINE_SECONDS) for f in futures]
    return results, time.perf_counter() - started


def signed_in_post(port, path, session_key, csrf, body):
    """A POST as the browser of a signed-in user sends it: session and CSRF cookies, the token."""
    return lambda: request(
        port,
        "POST",
        path,
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "en",
        },
        body=body,
    )


def apply_call(port, event_id, tt_id, session_key, csrf, floor=False):
    path = f"/bench/apply-floor/{tt_id}/" if floor else f"/events/{event_id}/apply/"
    return signed_in_post(port, path, session_key, csrf, f"ticket_type={tt_id}")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def warm(ports, clients, event_id, cookies=()):
    """The servers' first requests, then every user opens the event page signed in, as people
    do before they press apply (the button is on that page): their sessions are then read as
    in the opening minute, not for the first time."""
    for port in ports:
        burst([lambda p=port: request(p, "GET", "/bench/bare/")] * 40, clients)
        burst([lambda p=port: request(p, "GET", f"/events/{event_id}/")] * 10, clients)
    if not cookies:
        return
    opened, _ = burst(
        [
            partial(
                request,
                ports[i % len(ports)],
                "GET",
                f"/events/{event_id}/",
                {"Cookie": f"sessionid={key}; csrftoken={csrf}", "Accept-Language": "en"},
            )
            for i, (key, csrf) in enumerate(cookies)
        ],
        clients,
    )
    failed = [status for status, _, _ in opened if status != 200]
    if failed:
        raise SystemExit(f"opening the event page failed: {sorted(set(map(str, failed)))[:5]}")


def signed_in_call(port, session_key, csrf):
    """The same request as an application's, to a view that only reads who is asking."""
    return signed_in_post(port, "/bench/signed-in/", session_key, csrf, "ticket_type=0")


def fire(ports, tt, cookies, clients, floor=False):
    """Every user applies once; request i goes to ports[i % len(ports)]. Then the bare view,
    then the signed-in do-nothing view with each user's cookies. `floor`: to the plain-SQL
    floor of an application (bench/apply_urls.py) instead of the site's apply view."""
    calls = [
        apply_call(ports[i % len(ports)], tt.event_id, tt.pk, *cookie, floor=floor)
        for i, cookie in enumerate(cookies)
    ]
    applied, apply_wall = burst(calls, clients)
    bare_calls = [
        partial(request, ports[i % len(ports)], "GET", "/bench/bare/") for i in range(len(cookies))
    ]
    bare, bare_wall = burst(bare_calls, clients)
    signed_calls = [
        signed_in_call(ports[i % len(ports)], *cookie) for i, cookie in enumerate(cookies)
    ]
    signed, signed_wall = burst(signed_calls, clients)
    return applied, apply_wall, bare, bare_wall, signed, signed_wall


def report(label, tt, applied, apply_wall, bare, bare_wall, signed, signed_wall, *, expect) -> bool:
    """Print one burst's figures; True when the counts are exactly as expected."""
    from events.models import Registration

    rows = Registration.objects.filter(ticket_type_id=tt.pk)
    counts = {s: rows.filter(status=s).count() for s in ("accepted", "waitlisted", "pending")}
    ranks = sorted(rows.filter(status="waitlisted").values_list("waitlist_rank", flat=True))
    errors = [s for s, _, _ in applied if s != 302]
    latencies = [t for s, t, _ in applied if s == 302]
    bare_errors = [s for s, _, _ in bare if s != 200]
    apply_rps = len(latencies) / apply_wall
    bare_rps = (len(bare) - len(bare_errors)) / bare_wall
    counted = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"  {label}")
    print(f"    applications {len(applied)} → {counted}"
          + (f" (waitlist ranks 1..{len(ranks)}: {ranks == list(range(1, len(ranks) + 1))})"
             if ranks else ""))  # fmt: skip
    print(f"    errors       {len(errors)} {sorted(set(map(str, errors)))[:5]}")
    if latencies:
        print(f"    apply        {apply_rps:7.1f} req/s   p50 {statistics.median(latencies) * 1000:7.0f} ms"
              f"   p99 {percentile(latencies, 99) * 1000:7.0f} ms")  # fmt: skip
    print(f"    bare view    {bare_rps:7.1f} req/s   (same servers, same client; errors {len(bare_errors)})")  # fmt: skip
    signed_errors = [s for s, _, _ in signed if s != 200]
    signed_rps = (len(signed) - len(signed_errors)) / signed_wall
    print(f"    signed in    {signed_rps:7.1f} req/s   (do-nothing POST with each user's cookies;"
          f" errors {len(signed_errors)})")  # fmt: skip
    print(f"    ratio apply/bare requests/s: {apply_rps / bare_rps:.3f}"
          f"   (signed-in do-nothing/bare: {signed_rps / bare_rps:.3f})", flush=True)  # fmt: skip
    return (
        counts == expect
        and not errors
        and not signed_errors
        and (not ranks or ranks == list(range(1, len(ranks) + 1)))
    )


def draw_and_report(tt, seats) -> bool:
    from django.utils import timezone

    from events.models import Registration, TicketType
    from events.registration import draw

    # The window closes; then the draw (as `manage.py draw` would, without the mails).
    TicketType.objects.filter(pk=tt.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    started = time.perf_counter()
    summary = draw.draw(TicketType.objects.get(pk=tt.pk), notify=False)
    seconds = time.perf_counter() - started
    accepted = Registration.objects.filter(ticket_type_id=tt.pk, status="accepted").count()
    print(f"    draw         {summary.entries} entries → accepted {accepted}, "
          f"waitlisted {summary.waitlisted} in {seconds:.2f} s", flush=True)  # fmt: skip
    return accepted == seats


def run(*, bench: str, servers: int, users: int, seats: int, clients: int, workers: int, extra_env=None,
        after=None, floor=False) -> bool:  # fmt: skip
    """Set up, start the servers, fire both bursts, report. `after(ports, cookies)` runs last."""
    database = database_name(bench)
    recreate_database(database)
    env = production_env(database, **(extra_env or {}))
    env["DJANGO_SETTINGS_MODULE"] = "bench.apply_settings"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    collectstatic(env)
    setup_django(env)
    print(f"  setting up {users} verified users with sessions…", flush=True)
    cookies = make_users(users)
    first_come = make_ticket_type(1, "first_come", seats)
    lottery = make_ticket_type(2, "lottery", seats)
    from django.db import connection

    connection.close()
    ports = [PORT + 10 + i for i in range(servers)]
    ok = True
    with ExitStack() as stack:
        for port in ports:
            stack.enter_context(
                gunicorn("meetup.wsgi", port, env, workers=workers, probe="/bench/bare/")
            )
        warm(ports, clients, first_come.event_id, cookies)
        where = " and ".join(f"127.0.0.1:{p}" for p in ports)
        print(f"  gunicorn {workers} sync workers on {where}"
              + (", requests alternating" if servers > 1 else ""), flush=True)  # fmt: skip
        results = fire(ports, first_come, cookies, clients)
        ok &= report(
            f"first come, {seats} seats",
            first_come,
            *results,
            expect={"accepted": seats, "waitlisted": users - seats, "pending": 0},
        )
        results = fire(ports, lottery, cookies, clients)
        ok &= report(
            f"lottery, {seats} seats",
            lottery,
            *results,
            expect={"accepted": 0, "waitlisted": 0, "pending": users},
        )
        ok &= draw_and_report(lottery, seats)
        if floor:
            floor_tt = make_ticket_type(3, "first_come", seats)
            results = fire(ports, floor_tt, cookies, clients, floor=True)
            ok &= report(
                f"the floor: a first-come application's SQL alone, {seats} seats",
                floor_tt,
                *results,
                expect={"accepted": seats, "waitlisted": users - seats, "pending": 0},
            )
        if after is not None:
            ok &= after(ports, cookies)
    print("  OK: exactly the right seats, no error" if ok else "  FAILED: see above", flush=True)
    return ok


def _deadline(signum, frame):
    raise SystemExit(f"deadline of {DEADLINE_SECONDS}s reached")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the plain-SQL floor (bench/apply_urls.py)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _deadline)
    signal.alarm(DEADLINE_SECONDS)  # the whole run is bounded; `finally` stops the servers
    # Sessions, cached users and the rate limit in Redis, as in production.
    extra = redis_env()
    cache = f"Redis {REDIS_URL}" if REDIS_URL else "database cache"
    print(f"Burst: {args.users} signed-in users apply at once (one gunicorn, PostgreSQL, {cache})")
    print(f"  {machine_state()}")
    ok = run(
        bench="apply",
        servers=1,
        users=args.users,
        seats=args.seats,
        clients=args.clients,
        workers=args.workers,
        extra_env=extra,
        floor=not args.no_floor,
    )
    print(f"  {machine_state()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
