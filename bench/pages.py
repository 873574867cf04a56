"""Requests/s of the main pages ÷ requests/s of a bare Django view, side by side in one run.

    python bench/pages.py          (needs PostgreSQL at 127.0.0.1:5432 and wrk)

Both servers are gunicorn with 2 workers; the site runs with production settings on PostgreSQL
with the demo loaded (#23: 8 talks, 3 ticket types, ~285 registrations). The attendee sends
what a browser sends (the session and CSRF cookies); "first load" sends the session cookie
only, so the attendee's personal blocks are rendered on every request (core/fragments.py keeps
them only under a CSRF secret): the cost of someone's first visit to a page already kept.
"""

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import subprocess

from bench.harness import (
    PORT,
    REDIS_URL,
    collectstatic,
    database_name,
    gunicorn,
    machine_state,
    manage,
    production_env,
    recreate_database,
    wrk,
)

DATABASE = database_name("pages")
TARGETS = {"anonymous": 0.5, "attendee": 0.1, "first load": 0.1}
ROUNDS = 3

PROBE = r"""
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from events.models import Event

e23 = Event.objects.get(number=23, community__slug="docker-tokyo")
paths = {"home": "/", "event list": "/events/", "event #23": f"/events/{e23.pk}/",
         "report #23": f"/reports/{e23.pk}/"}
attendee = User.objects.filter(registrations__event=e23).order_by("pk").first()
signed_in = Client()
signed_in.force_login(attendee)
out = {"paths": paths, "queries": {}}
for name, path in paths.items():
    for who, client in (("anonymous", Client()), ("attendee", signed_in)):
        client.get(path)  # warm caches, as a running site would be
        client.get(path)  # (the first answer sets the CSRF cookie, as for a browser)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        out["queries"][f"{name} ({who})"] = [status, len(queries)]
# A browser sends both cookies; without the CSRF cookie (a first visit) nothing personal is
# kept, so that row measures the person's blocks rendered on every request.
out["session"] = signed_in.cookies["sessionid"].value
out["csrf"] = signed_in.cookies["csrftoken"].value
first = Client()
first.force_login(attendee)
first.get(paths["event #23"])
with CaptureQueriesContext(connection) as queries:
    status = Client(headers={"Cookie": f"sessionid={first.cookies['sessionid'].value}"}).get(
        paths["event #23"]
    ).status_code
out["queries"]["event #23 (first load)"] = [status, len(queries)]
print(json.dumps(out))
"""


def main() -> None:
    recreate_database(DATABASE)
    # The production topology: the cache in Redis (a database of its own, emptied first);
    # BENCH_REDIS_URL= (empty) measures with the database cache instead.
    extra = {}
    if REDIS_URL:
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
        extra["REDIS_URL"] = REDIS_URL
    env = production_env(DATABASE, **extra)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo")
    collectstatic(env)
    # Settle the database after the load, so autovacuum does not run during the first page.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-q", "-c", "VACUUM ANALYZE"],
        check=True,
        capture_output=True,
    )
    probe_env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    probe = json.loads(manage(probe_env, "shell", "-c", PROBE).strip().splitlines()[-1])

    cache = f"Redis {REDIS_URL}" if REDIS_URL else "database cache"
    print(
        f"Pages: requests/s ÷ bare Django view requests/s (gunicorn, 2 workers, PostgreSQL, {cache})"
    )
    print(f"  {machine_state()}")
    print(f"{'page':<14}{'who':<12}{'ratio':>8}{'page rps':>10}{'bare rps':>10}{'queries':>9}"
          f"{'target':>8}")  # fmt: skip
    with (
        gunicorn("meetup.wsgi", PORT, env) as site,
        gunicorn("bench.bare_wsgi", PORT + 1, env) as bare,
    ):
        for path in probe["paths"].values():  # warm every worker and cache first
            wrk(site + path, seconds=1)
        wrk(bare + "/", seconds=1)
        rows = []
        browser = f"Cookie: sessionid={probe['session']}; csrftoken={probe['csrf']}"
        pages = [(name, who) for name in probe["paths"] for who in ("anonymous", "attendee")]
        for name, who in [*pages, ("event #23", "first load")]:
            key = f"{name} ({who})" if who != "first load" else "event #23 (first load)"
            status, queries = probe["queries"][key]
            if status != 200:
                print(f"{name:<14}{who:<12}{'(HTTP ' + str(status) + ')':>8}")
                continue
            headers = {
                "anonymous": [],
                "attendee": [browser],
                "first load": [f"Cookie: sessionid={probe['session']}"],
            }[who]
            rows.append((name, who, probe["paths"][name], headers, queries, []))
        # Rounds outside, pages inside: a noisy moment on the machine touches every page a
        # little rather than one page a lot. Each sample is one page A then the bare view B.
        for _ in range(ROUNDS):
            for *_, path, headers, _, samples in rows:
                samples.append((wrk(site + path, headers=headers), wrk(bare + "/")))
        for name, who, _, _, queries, samples in rows:
            ratio = statistics.median(p / b for p, b in samples)
            page_rps = statistics.median(p for p, _ in samples)
            bare_rps = statistics.median(b for _, b in samples)
            met = "met" if ratio >= TARGETS[who] else "NOT met"
            print(
                f"{name:<14}{who:<12}{ratio:>8.3f}{page_rps:>10.0f}{bare_rps:>10.0f}"
                f"{queries:>9}{met:>8}",
                flush=True,
            )
    print(f"  {machine_state()}")


if __name__ == "__main__":
    main()
