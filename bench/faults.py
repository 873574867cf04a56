"""PostgreSQL restarted in the middle of a burst of applications (not in CI, not in run_all).

    .venv/bin/python bench/faults.py [--users 400] [--seats 100]

WARNING: this stops and starts the local PostgreSQL cluster (pg_ctlcluster), which affects
everyone on the machine; it is down for about DOWN_SECONDS. Run it on a machine of your own.

Fires every user's application at one gunicorn (production settings, the connection pool), and
a moment after the first answers stops PostgreSQL, waits DOWN_SECONDS and starts it again,
while a prober asks /healthz every 0.1 s. Then checks:

- every request either completed (302, and its registration exists) or got the friendly
  503 "try again" page — nothing else (no 500, no hung request);
- no registration half-written: accepted ≤ seats, waitlist ranks 1..n without a gap, every
  user at most one registration;
- the site recovers by itself: /healthz answered 503 while the database was away and 200
  after, and the users who got "try again" succeed when they try again, with no restart of
  gunicorn; finally exactly `seats` are accepted.
"""

import argparse
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import apply_burst as ab
from bench.harness import (
    PORT,
    collectstatic,
    database_name,
    gunicorn,
    machine_state,
    manage,
    production_env,
    recreate_database,
)

POOL_WAIT_SECONDS = 3  # short here (production waits 30 s), so the outage shows as 503s
DOWN_SECONDS = 5.0  # longer than the pool wait, so requests and /healthz see it
TRY_AGAIN = "We are very busy right now."
DEADLINE_SECONDS = 300


def cluster() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    return [version, "main"]


def pg_ctl(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), action],
        check=True,
        capture_output=True,
        timeout=60,
    )


def wait_pg_ready(timeout=60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return True
        time.sleep(0.2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=400)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, ab._deadline)
    signal.alarm(DEADLINE_SECONDS)

    database = database_name("faults")
    recreate_database(database)
    env = production_env(database, MEETUP_DB_POOL_TIMEOUT=str(POOL_WAIT_SECONDS))
    env["DJANGO_SETTINGS_MODULE"] = "bench.apply_settings"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    collectstatic(env)
    ab.setup_django(env)
    print("Faults: PostgreSQL stopped and started again in the middle of a burst")
    print(f"  {machine_state()}", flush=True)
    cookies = ab.make_users(args.users)
    tt = ab.make_ticket_type(1, "first_come", args.seats)
    from django.db import connection

    connection.close()

    health: list[tuple[float, object]] = []
    stop_probe = threading.Event()
    port = PORT + 20
    restarted = {}

    def probe():
        # Its own instance (as each pod has its own probe): not queued behind the burst.
        while not stop_probe.is_set():
            status, _, _ = ab.request(port + 1, "GET", "/healthz", timeout=15)
            health.append((time.monotonic(), status))
            time.sleep(0.1)

    def restart_when_busy(results_so_far):
        # A moment into the burst: stop, stay down DOWN_SECONDS, start.
        time.sleep(0.4)
        restarted["stop"] = time.monotonic()
        try:
            pg_ctl("stop")
            time.sleep(DOWN_SECONDS)
        finally:
            pg_ctl("start")
            restarted["ready"] = wait_pg_ready()
            restarted["start"] = time.monotonic()

    with (
        gunicorn("meetup.wsgi", port, env, workers=args.workers, probe="/bench/bare/"),
        gunicorn("meetup.wsgi", port + 1, env, workers=1, probe="/bench/bare/"),
    ):
        ab.warm([port], args.clients, tt.event_id)
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        calls = [ab.apply_call(port, tt.event_id, tt.pk, *c) for c in cookies]
        restarter = threading.Thread(target=restart_when_busy, args=(None,))
        restarter.start()
        results, wall = ab.burst(calls, args.clients)
        restarter.join(timeout=120)
        # Recovery: wait for /healthz to answer 200 again (bounded), then retry the refused.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not health or health[-1][1] != 200):
            time.sleep(0.2)
        time.sleep(0.5)
        stop_probe.set()
        prober.join(timeout=10)
        refused = [i for i, (s, _, _) in enumerate(results) if s == 503]
        retried, _ = ab.burst([calls[i] for i in refused], args.clients) if refused else ([], 0)

    if not restarted.get("ready"):
        print("  PostgreSQL did not come back: start it by hand!", flush=True)
        return 1
    from django.contrib.sessions.models import Session
    from django.db.models import Count

    from events.models import Registration

    statuses = [s for s, _, _ in results]
    try_again = [i for i in refused if TRY_AGAIN in results[i][2].decode()]
    other = [s for s in statuses if s not in (302, 503)]
    completed = [i for i, s in enumerate(statuses) if s == 302]
    user_of = dict(
        Session.objects.filter(session_key__in=[c[0] for c in cookies]).values_list(
            "session_key", "session_data"
        )
    )
    assert len(user_of) == len(cookies)
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    users = [int(store.decode(user_of[c[0]])["_auth_user_id"]) for c in cookies]
    rows = Registration.objects.filter(ticket_type=tt)
    registered = set(rows.values_list("user_id", flat=True))
    missing = [i for i in completed if users[i] not in registered]
    twice = rows.values("user_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    accepted = rows.filter(status="accepted").count()
    ranks = sorted(rows.filter(status="waitlisted").values_list("waitlist_rank", flat=True))
    while_down = [s for t, s in health if restarted["stop"] <= t <= restarted["start"]]
    back = [t for t, s in health if t > restarted["start"] and s == 200]
    recovered = bool(health) and health[-1][1] == 200 and bool(back)
    retried_ok = all(s == 302 for s, _, _ in retried)

    print(f"  burst: {len(results)} applications, {args.clients} clients, {wall:.1f} s; "
          f"PostgreSQL down {restarted['start'] - restarted['stop']:.1f} s")  # fmt: skip
    print(
        f"  completed (302)            : {len(completed)}, each with its registration: {not missing}"
    )
    print(f"  refused with 503 try-again : {len(try_again)} of {len(refused)} 503s")
    print(f"  anything else              : {len(other)} {sorted(set(map(str, other)))[:5]}")
    print(f"  /healthz                   : while down {sorted(set(map(str, while_down)))}; "
          f"200 again {back[0] - restarted['start']:.1f} s after PostgreSQL was back"
          if back else "  /healthz                   : never 200 again")  # fmt: skip
    print(f"  retry of the refused       : {len(retried)} → all 302: {retried_ok}")
    print(f"  registrations              : {rows.count()} (users registered twice: {twice})")
    print(f"  accepted                   : {accepted} of {args.seats} seats; waitlist ranks 1..{len(ranks)} "
          f"contiguous: {ranks == list(range(1, len(ranks) + 1))}")  # fmt: skip
    ok = (
        not other
        and len(try_again) == len(refused)
        and not missing
        and twice == 0
        and accepted == args.seats
        and ranks == list(range(1, len(ranks) + 1))
        and rows.count() == args.users
        and 503 in while_down
        and recovered
        and retried_ok
    )
    print("  OK: nothing lost, nothing half-written, recovered by itself" if ok else "  FAILED")
    print(f"  {machine_state()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
