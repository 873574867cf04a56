"""Where the time of one application goes: in-process, one request after another, no server.

    .venv/bin/python bench/profile_apply.py [--users 300] [--cprofile] [--sql] [--htmx]

The production settings (as apply_burst.py) on a fresh PostgreSQL database; each signed-in,
verified user POSTs /events/<id>/apply/ through Django's test client (the same middleware,
CSRF enforced). Prints, per ticket type, the median milliseconds of a whole request, of the
ticket-type lock hold (from its SELECT … FOR UPDATE to the COMMIT), the SQL statements of one
request, and, with --cprofile, the functions that take the time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.apply_burst import make_ticket_type, make_users, setup_django  # noqa: E402
from bench.harness import (  # noqa: E402
    collectstatic,
    database_name,
    manage,
    production_env,
    recreate_database,
    redis_env,
)


class Timeline:
    """Each SQL statement's start, end and text, from a connection execute wrapper."""

    def __init__(self):
        self.rows = []
        self.commits = []

    def commit(self, commit):
        """Wrap connection.commit (Django's atomic calls it; it is no execute)."""

        def timed():
            started = time.perf_counter()
            try:
                return commit()
            finally:
                self.rows.append((started, time.perf_counter(), "COMMIT"))

        return timed

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((started, time.perf_counter(), sql))

    def lock_hold(self) -> float:
        """Seconds from the ticket type's row lock to the end of the COMMIT (0 if none)."""
        locked = [
            s for s, _, sql in self.rows if "FOR UPDATE" in sql and "events_tickettype" in sql
        ]
        commits = [e for s, e, sql in self.rows if sql == "COMMIT" and locked and s > locked[0]]
        return commits[0] - locked[0] if commits else 0.0


def apply_all(client, tt, cookies, profile=None, htmx=False):
    from django.db import connections

    connection = connections["default"]

    totals, holds, statements = [], [], None
    for session_key, csrf in cookies:
        client.cookies.clear()  # each user comes fresh: no message cookie from the one before
        client.cookies["sessionid"] = session_key
        client.cookies["csrftoken"] = csrf
        timeline = Timeline()
        connection.commit = timeline.commit(type(connection).commit.__get__(connection))
        with connection.execute_wrapper(timeline):
            started = time.perf_counter()
            if profile is not None:
                profile.enable()
            response = client.post(
                f"/events/{tt.event_id}/apply/",
                {"ticket_type": tt.pk},
                HTTP_X_CSRFTOKEN=csrf,
                HTTP_ACCEPT_LANGUAGE="en",
                **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
            )
            if profile is not None:
                profile.disable()
            totals.append(time.perf_counter() - started)
        assert response.status_code == (200 if htmx else 302), response.status_code
        holds.append(timeline.lock_hold())
        statements = timeline.rows
    return totals, holds, statements


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    parser.add_argument("--htmx", action="store_true", help="as htmx posts: the status box back")
    args = parser.parse_args()
    database = database_name("profile")
    recreate_database(database)
    env = production_env(database, **redis_env())  # as apply_burst.py
    env["DJANGO_SETTINGS_MODULE"] = "bench.apply_settings"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    env["MEETUP_DB_POOL_MAX"] = "1"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    collectstatic(env)
    setup_django(env)
    from django.test import Client

    cookies = make_users(args.users)
    client = Client(enforce_csrf_checks=True)
    warm = cookies[:20]
    for allocation, number in (("first_come", 1), ("lottery", 2)):
        tt = make_ticket_type(number, allocation, seats=args.users // 10)
        apply_all(
            client, tt, warm, htmx=args.htmx
        )  # imports, compiled templates, first connections
        profile = cProfile.Profile() if args.cprofile else None
        totals, holds, statements = apply_all(client, tt, cookies[20:], profile, args.htmx)
        print(f"{allocation}: {len(totals)} applications, one after another")
        print(f"  request    p50 {statistics.median(totals) * 1000:6.2f} ms")
        print(f"  lock hold  p50 {statistics.median(holds) * 1000:6.2f} ms")
        print(f"  SQL statements per request: {len(statements)}")
        if args.sql:
            first = statements[0][0]
            for started, ended, sql in statements:
                print(f"    {(started - first) * 1000:6.2f} +{(ended - started) * 1000:5.2f} ms  "
                      f"{sql[:110]}")  # fmt: skip
        if profile is not None:
            profile.dump_stats(f"/tmp/profile_apply_{allocation}.prof")  # for snakeviz & co.
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)


if __name__ == "__main__":
    main()
