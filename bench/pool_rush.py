"""A rush of signed-in page loads on gunicorn gthread workers, and a database that is away.

    .venv/bin/python bench/pool_rush.py [--requests 200] [--workers 3] [--threads 8]
                                        [--pool 8] [--wait 30] [--busy 0] [--cold]
                                        [--unreachable]

Not in CI and not in run_all.py: it starts gunicorn with the production settings on a
database of its own (`<BENCH_DB_PREFIX>_pool`) with the demo loaded, makes `--requests` users
with a session each, and fires one GET of the demo's #23 event page per user, all released at the same instant by a barrier.
Prints how many got the page (200), the friendly "try again" (503) or anything else, and the
latency percentiles. `--busy N` runs N CPU-bound processes beside the server during the
rush, as on a small host doing other work. `--pool`/`--wait` set MEETUP_DB_POOL_MAX/MEETUP_DB_POOL_TIMEOUT, so the
old configuration (4 connections, 3 s) and the new one (one per thread, 30 s) can be compared
on the same machine: bench/README.md has the figures.

`--unreachable` instead points the site at a closed port (PostgreSQL itself keeps running:
other work on the machine uses it) and checks that every page and /healthz answer 503 within
the wait, with the "try again" page.
"""

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PG,
    PORT,
    PYTHON,
    ROOT,
    collectstatic,
    database_name,
    machine_state,
    manage,
    production_env,
    recreate_database,
    wait_until_up,
)

TRY_AGAIN = "We are very busy right now."

SETUP = """
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from events.models import Event
# The demo's Docker Meetup Tokyo #23: programme, materials, report link, ~285 registrations.
event = Event.objects.filter(number=23).get()
keys = []
for n in range({users}):
    user = User.objects.create_user(email=f"rush{{n}}@example.org", nickname=f"rush{{n}}",
                                    password=None)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(event.pk)
print("\\n".join(keys))
"""


def start_gunicorn(env, port, workers, threads):
    log = tempfile.NamedTemporaryFile(prefix=f"pool-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "meetup.wsgi", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
         "--backlog", "2048", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    process.log_name = log.name
    return process


def stop(process) -> None:
    process.terminate()  # graceful: requests still waiting for the pool are let finish
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fire(port: int, path: str, cookies: list[str | None]) -> list[tuple[int, float, str]]:
    """One GET per cookie, all released together. (status, seconds, body excerpt) each."""
    barrier = threading.Barrier(len(cookies))
    results: list = [None] * len(cookies)

    def one(index, cookie):
        headers = {"Accept-Language": "en"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        started = time.monotonic()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            results[index] = (response.status, time.monotonic() - started, body)
        except (OSError, http.client.HTTPException) as exc:
            results[index] = (0, time.monotonic() - started, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(cookies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results) -> str:
    codes: dict[int, int] = {}
    for status, _seconds, _body in results:
        codes[status] = codes.get(status, 0) + 1
    times = sorted(seconds for _status, seconds, _body in results)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    answers = " ".join(f"{code}×{count}" for code, count in sorted(codes.items()))
    return f"{answers} · p50 {p50:.2f} s · p95 {p95:.2f} s · max {times[-1]:.2f} s"


def burn(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def busy_machine(processes: int):
    """CPU-bound processes beside the server, as other work on a small host."""
    import multiprocessing

    burners = [multiprocessing.Process(target=burn, args=(120,)) for _ in range(processes)]
    for burner in burners:
        burner.start()
    return burners


def wait_until_listening(port: int, process, timeout: float = 60) -> None:
    """The port accepts connections (its pages cannot answer 200 without a database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {Path(process.log_name).read_text()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2)  # every worker booted
                return
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rush(args) -> int:
    database = database_name("pool")
    recreate_database(database)
    env = production_env(
        database,
        MEETUP_DB_POOL_MAX=str(args.pool),
        MEETUP_DB_POOL_TIMEOUT=str(args.wait),
        MEETUP_SITE_URL="http://127.0.0.1",
        REDIS_URL="",
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    collectstatic(env)
    manage(env, "seed_demo")
    lines = manage(env, "shell", "-c", SETUP.format(users=args.requests)).split()
    event_id, cookies = lines[-args.requests - 1], lines[-args.requests :]
    port = PORT + 20
    process = start_gunicorn(env, port, args.workers, args.threads)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
        if not args.cold:  # every thread has served a page, every pool has its connections
            fire(port, f"/events/{event_id}/", cookies[: args.workers * args.threads])
        burners = busy_machine(args.busy)
        try:
            results = fire(port, f"/events/{event_id}/", cookies)
        finally:
            for burner in burners:
                burner.terminate()
    finally:
        stop(process)
    print(
        f"{args.requests} signed-in loads of /events/{event_id}/ · gthread {args.workers}×"
        f"{args.threads} · pool {args.pool} per process, wait {args.wait} s · "
        f"{args.busy} CPU burners beside"
    )
    print(f"  {summary(results)}")
    failed = sum(1 for status, _s, _b in results if status != 200)
    return 1 if failed else 0


def unreachable(args) -> int:
    env = production_env(
        "meetup_unreachable",
        MEETUP_DB_POOL_MAX=str(args.pool),
        MEETUP_DB_POOL_TIMEOUT=str(args.wait),
        REDIS_URL="",
    )
    env["DATABASE_URL"] = f"{PG.rsplit(':', 1)[0]}:{closed_port()}/meetup_unreachable"
    collectstatic(env)
    port = PORT + 21
    process = start_gunicorn(env, port, args.workers, args.threads)
    try:
        wait_until_listening(port, process)
        pages = fire(port, "/events/", [None] * args.requests)
        health = fire(port, "/healthz", [None])
    finally:
        stop(process)
    friendly = sum(1 for status, _s, body in pages if status == 503 and TRY_AGAIN in body)
    print(
        f"database unreachable (closed port) · {args.requests} anonymous loads of /events/ · "
        f"pool wait {args.wait} s"
    )
    print(f"  pages: {summary(pages)} · with the try-again page: {friendly}")
    print(f"  /healthz: {health[0][0]} {health[0][2].strip()}")
    return 0 if friendly == args.requests and health[0][0] == 503 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pool", type=int, default=8)
    parser.add_argument("--wait", type=float, default=30)
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes beside")
    parser.add_argument("--cold", action="store_true", help="no warm-up round")
    parser.add_argument("--unreachable", action="store_true")
    args = parser.parse_args()
    print(machine_state())
    return unreachable(args) if args.unreachable else rush(args)


if __name__ == "__main__":
    sys.exit(main())
