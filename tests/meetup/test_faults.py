"""Faults: the database lost mid-request or away, the task worker stopped, a draw killed, a lock
that cannot be had. Each leaves nothing half-written, gives people a friendly "try again", and
the site recovers by itself. Every wait here is bounded (a few seconds at most).

A real PostgreSQL restart in the middle of a burst is in bench/faults.py (not CI: it restarts
the server for everyone on the machine).
"""

import datetime as dt
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.models import Registration
from events.registration import allocation, draw
from tests.factories import RegistrationFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
S = Registration.Status
TRY_AGAIN = "We are very busy right now."


def other_connection():
    """A second, independent connection to the test database (autocommit)."""
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
        connect_timeout=5,
    )


def apply(client, tt):
    return client.post(
        f"/events/{tt.event_id}/apply/", {"ticket_type": tt.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )


def signed_in(client):
    user = UserFactory()
    client.force_login(user)
    return user


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


# -- PostgreSQL connection lost mid-request ------------------------------------------------


def test_connection_lost_mid_apply_gives_try_again_and_writes_nothing(
    postgres, client, monkeypatch
):
    tt = TicketTypeFactory(capacity=1)
    user = signed_in(client)
    real_enqueue = allocation._enqueue_mail

    def lose_connection(registration_id, notify=True, **known):
        # The registration row is inserted but not committed: the server goes away now.
        pid = connection.connection.info.backend_pid
        with other_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        real_enqueue(registration_id, notify, **known)

    monkeypatch.setattr(allocation, "_enqueue_mail", lose_connection)
    lost = apply(client, tt)
    monkeypatch.setattr(allocation, "_enqueue_mail", real_enqueue)
    after = Registration.objects.filter(ticket_type=tt).count()
    again = apply(client, tt)

    assert (lost.status_code, lost["Retry-After"], TRY_AGAIN in lost.text) == (503, "5", True)
    assert after == 0
    assert again.status_code == 302
    assert list(Registration.objects.filter(ticket_type=tt).values_list("user", "status")) == [
        (user.pk, S.ACCEPTED)
    ]


def test_database_away_healthz_503_and_pages_try_again_then_recover(postgres, client):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        health_down = client.get("/healthz")
        page_down = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    health_up = client.get("/healthz")

    assert (health_down.status_code, health_down.json()) == (503, {"status": "unavailable"})
    assert (page_down.status_code, TRY_AGAIN in page_down.text) == (503, True)
    assert (health_up.status_code, health_up.json()) == (200, {"status": "ok"})


@override_settings(
    MEETUP_ANONYMOUS_CACHE_SECONDS=15,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "meetup_cache",
        }
    },
)
def test_database_away_with_the_database_cache_still_gives_try_again(postgres, client):
    # The anonymous page cache asks the (database) cache before any view runs.
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        page_down = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    assert (page_down.status_code, TRY_AGAIN in page_down.text) == (503, True)


# -- The task worker stopped while result mails are queued ----------------------------------


def closed_lottery(entries=6, capacity=2):
    now = timezone.now()
    tt = TicketTypeFactory(
        lottery=True,
        capacity=capacity,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    for _ in range(entries):
        RegistrationFactory(ticket_type=tt, status=S.PENDING, language="en")
    return tt


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_queued_result_mails_wait_for_the_worker_and_go_out_once():
    tt = closed_lottery(entries=6, capacity=2)
    draw.draw(tt)
    queued = DBTaskResult.objects.count()
    sent_without_worker = len(mail.outbox)

    run_worker()
    first_run = sorted(m.to[0] for m in mail.outbox)
    run_worker()
    draw._enqueue_result_mails(tt.pk)  # the same mails queued again (a redelivered task)
    run_worker()

    expected = sorted(
        Registration.objects.filter(ticket_type=tt).values_list("user__email", flat=True)
    )
    assert (queued, sent_without_worker) == (1, 0)
    assert first_run == expected
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert (
        sorted(m.subject.split(":")[0] for m in mail.outbox)
        == [
            "You are on the waitlist",
        ]
        * 4
        + ["You have a seat"] * 2
    )
    assert set(
        Registration.objects.filter(ticket_type=tt).values_list("mailed_status", flat=True)
    ) == {
        S.ACCEPTED,
        S.WAITLISTED,
    }


# -- A draw interrupted by killing the process ---------------------------------------------


def draw_subprocess(tt):
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.meetup.draw_paused", str(tt.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process, text, timeout=30):
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            seen += line
            if text in line:
                return
    raise AssertionError(f"the draw never paused; it said: {seen[-2000:]}")


def wait_until_unlocked(timeout=10):
    """Until PostgreSQL has noticed the killed client and rolled its transaction back."""
    deadline = time.monotonic() + timeout
    with other_connection() as admin:
        while time.monotonic() < deadline:
            locks = admin.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'events_tickettype' AND l.mode = 'RowShareLock' "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND l.pid <> pg_backend_pid()"
            ).fetchone()[0]
            if locks == 0:
                return
            time.sleep(0.1)
    raise AssertionError("the killed draw's transaction still holds its locks")


def test_draw_killed_mid_transaction_changes_nothing_and_draws_again(postgres):
    tt = closed_lottery(entries=12, capacity=5)
    process = draw_subprocess(tt)
    try:
        wait_for_line(process, "draw paused before commit")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    wait_until_unlocked()

    tt.refresh_from_db()
    rows = Registration.objects.filter(ticket_type=tt)
    untouched = (
        tt.drawn_at,
        tt.entries_digest,
        sorted(set(rows.values_list("status", "draw_rank", "waitlist_rank"))),
    )
    summary = draw.draw(tt, notify=False)

    assert untouched == (None, "", [(S.PENDING, None, None)])
    assert (summary.entries, summary.accepted, summary.waitlisted) == (12, 5, 7)
    assert rows.filter(status=S.ACCEPTED).count() == 5


# -- Lock contention -----------------------------------------------------------------------


def test_ticket_type_locked_too_long_gives_busy_try_again_and_writes_nothing(postgres, client):
    tt = TicketTypeFactory(capacity=3)
    user = signed_in(client)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        with other_connection() as holder, holder.transaction():
            holder.execute("SELECT id FROM events_tickettype WHERE id = %s FOR UPDATE", [tt.pk])
            busy = apply(client, tt)
            written_while_locked = Registration.objects.filter(ticket_type=tt).count()
        again = apply(client, tt)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert (busy.status_code, busy["Retry-After"], TRY_AGAIN in busy.text) == (503, "5", True)
    assert written_while_locked == 0
    assert again.status_code == 302
    assert list(Registration.objects.filter(ticket_type=tt).values_list("user", "status")) == [
        (user.pk, S.ACCEPTED)
    ]
