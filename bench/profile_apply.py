"""Where the time of one application goes: in-process, one request after another, no server.

    .venv/bin/python bench/profile_apply.py [--users 300] [--cprofile] [--sql] [--htmx] [--steps]

The production settings (as apply_burst.py) on a fresh PostgreSQL database; each signed-in,
verified user POSTs /events/<id>/apply/ through Django's test client (the same middleware,
CSRF enforced). Prints, per ticket type, the median milliseconds of a whole request, of the
ticket-type lock hold (from its SELECT … FOR UPDATE to the COMMIT), the SQL statements of one
request, with --cprofile the functions that take the time, and with --steps the mean
milliseconds of each step of an application (the lock, the verified-address check, each INSERT,
the COMMIT, the task row, the form, the rate limit…), timed around the functions themselves.
"""

import argparse
import collections
import cProfile
import functools
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


class Steps:
    """Seconds spent in each step, summed over the applications: the functions are wrapped in
    place (a bench process only)."""

    def __init__(self):
        self.seconds = collections.defaultdict(float)

    def _timed(self, label, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return timed

    def wrap(self, owner, name, label):
        setattr(owner, name, self._timed(label, getattr(owner, name)))

    def install(self):
        from django.db.backends.base.base import BaseDatabaseWrapper
        from django.db.models.query import QuerySet

        from core import ratelimit
        from events import page_versions, views
        from events.forms import ApplyForm
        from events.registration import allocation

        for owner, name, label in (
            (allocation, "apply", "allocation.apply, in all"),
            (allocation, "lock_ticket_type", "the ticket type's lock (and the version bump)"),
            (allocation, "has_verified_email", "the verified-address check"),
            (allocation, "_decide_new", "the seat count (first come)"),
            (allocation, "_enqueue_mail", "the mail's outbox row"),
            (page_versions, "registrations_changed", "page-version bumps, before the lock"),
            (BaseDatabaseWrapper, "_commit", "COMMIT"),
            (BaseDatabaseWrapper, "run_and_clear_commit_hooks", "on commit: task row, bumps"),
            (ratelimit, "hit", "the rate limit"),
            (views, "_apply_data", "the kept event, questions and ticket types"),
            (views, "_status_response", "the answer (redirect)"),
            (ApplyForm, "__init__", "the form, built"),
            (ApplyForm, "is_valid", "the form, checked"),
        ):
            self.wrap(owner, name, label)
        create = QuerySet.create

        def create_timed(queryset, **kwargs):
            started = time.perf_counter()
            try:
                return create(queryset, **kwargs)
            finally:
                label = f"INSERT of a {queryset.model.__name__} (create)"
                self.seconds[label] += time.perf_counter() - started

        QuerySet.create = create_timed

    def print(self, applications: int):
        for label, seconds in sorted(self.seconds.items(), key=lambda item: -item[1]):
            print(f"    {seconds / applications * 1000:6.2f} ms  {label}")
        self.seconds.clear()


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
    parser.add_argument("--steps", action="store_true", help="the mean time of each step")
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
    for session_key, csrf in cookies:  # each user has opened a page: sessions are warm
        client.cookies["sessionid"], client.cookies["csrftoken"] = session_key, csrf
        client.post("/bench/signed-in/", HTTP_X_CSRFTOKEN=csrf)
    print("the same client and middleware, for comparison (medians of 200):")
    for label, request in (
        ("bare GET, anonymous", lambda key, csrf: client.get("/bench/bare/")),
        ("signed-in do-nothing POST", lambda key, csrf: client.post(
            "/bench/signed-in/", HTTP_X_CSRFTOKEN=csrf)),
    ):  # fmt: skip
        times = []
        for session_key, csrf in cookies[:200]:
            client.cookies["sessionid"], client.cookies["csrftoken"] = session_key, csrf
            started = time.perf_counter()
            request(session_key, csrf)
            times.append(time.perf_counter() - started)
        print(f"  {label:26s} p50 {statistics.median(times) * 1000:6.2f} ms")
    steps = Steps() if args.steps else None
    if steps:
        steps.install()
    warm = cookies[:20]
    for allocation, number in (("first_come", 1), ("lottery", 2)):
        tt = make_ticket_type(number, allocation, seats=args.users // 10)
        apply_all(
            client, tt, warm, htmx=args.htmx
        )  # imports, compiled templates, first connections
        profile = cProfile.Profile() if args.cprofile else None
        if steps:
            steps.seconds.clear()
        totals, holds, statements = apply_all(client, tt, cookies[20:], profile, args.htmx)
        print(f"{allocation}: {len(totals)} applications, one after another")
        print(f"  request    p50 {statistics.median(totals) * 1000:6.2f} ms")
        print(f"  lock hold  p50 {statistics.median(holds) * 1000:6.2f} ms")
        print(f"  SQL statements per request: {len(statements)}")
        if steps:
            print(f"  mean of each step (of a request of {statistics.mean(totals) * 1000:.2f} ms):")
            steps.print(len(totals))
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
