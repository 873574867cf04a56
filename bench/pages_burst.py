"""The signed-in event page while its figures change many times a second, as in the minute a
popular event opens: requests/s of the page ÷ requests/s of the bare view.

    python bench/pages_burst.py [--changes 150]      (needs PostgreSQL, Redis and wrk)

Applications themselves are not sent (bench/apply_burst.py measures those): a second process
gives the event new page versions `--changes` times a second, exactly what each application
does (`allocation.lock_ticket_type` → `page_versions.registrations_changed`), while wrk loads #23 as an
accepted attendee with a browser's cookies. Production settings, the demo, Redis, gunicorn with
2 sync workers, as bench/pages.py.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PORT,
    PYTHON,
    REDIS_URL,
    ROOT,
    collectstatic,
    database_name,
    gunicorn,
    machine_state,
    manage,
    production_env,
    recreate_database,
    wrk,
)

DATABASE = database_name("pages_burst")
SECONDS = 5

PROBE = r"""
import json
from django.test import Client
from accounts.models import User
from events.models import Event
event = Event.objects.get(number=23, community__slug="docker-tokyo")
attendee = User.objects.filter(
    registrations__event=event, registrations__status="accepted"
).order_by("pk").first()
client = Client()
client.force_login(attendee)
client.get(event.get_absolute_url())  # sets the CSRF cookie, as for a browser
print(json.dumps([client.cookies["sessionid"].value, client.cookies["csrftoken"].value, event.pk]))
"""

CHANGER = """
import time
from events import page_versions
deadline = time.monotonic() + {seconds}
while time.monotonic() < deadline:
    page_versions.registrations_changed({event_id})
    time.sleep({pause})
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=float, default=150, help="version changes per second")
    args = parser.parse_args()
    recreate_database(DATABASE)
    extra = {"REDIS_URL": REDIS_URL} if REDIS_URL else {}
    if REDIS_URL:
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    env = production_env(DATABASE, **extra)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo")
    collectstatic(env)
    probe_env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    session, csrf, event_id = json.loads(manage(probe_env, "shell", "-c", PROBE).splitlines()[-1])
    headers = [f"Cookie: sessionid={session}; csrftoken={csrf}"]
    print(f"Event #23, signed in, while its versions change {args.changes:.0f} times a second")
    print(f"  {machine_state()}")
    with (
        gunicorn("meetup.wsgi", PORT, env) as site,
        gunicorn("bench.bare_wsgi", PORT + 1, env) as bare,
    ):
        page = f"{site}/events/{event_id}/"
        wrk(page, seconds=1, headers=headers)
        quiet = wrk(page, seconds=SECONDS, headers=headers)
        bare_rps = wrk(bare + "/", seconds=SECONDS)
        changer = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c",
             CHANGER.format(seconds=SECONDS + 3, event_id=event_id, pause=1 / args.changes)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1.5)  # the changer's Django has started
        busy = wrk(page, seconds=SECONDS, headers=headers)
        changer.wait()
    print(f"  no change      : {quiet:7.0f} req/s, ratio {quiet / bare_rps:.3f}")
    print(f"  {args.changes:4.0f} changes/s : {busy:7.0f} req/s, ratio {busy / bare_rps:.3f}")
    print(f"  bare view      : {bare_rps:7.0f} req/s")
    print(f"  {machine_state()}")


if __name__ == "__main__":
    main()
