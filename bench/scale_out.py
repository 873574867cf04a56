"""The web tier is stateless: the burst against TWO gunicorn instances sharing one PostgreSQL
and one Redis, each request going to the instances in turn.

    .venv/bin/python bench/scale_out.py [--users 1000] [--seats 100]

Needs PostgreSQL (BENCH_PG) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/7 — a
database of its own, flushed first). Both instances run the production settings with
REDIS_URL set, so the cache and the API rate limit live in Redis. Checks:

- first come: exactly `seats` accepted, the rest on a contiguous waitlist; lottery: everyone
  pending, then the draw accepts exactly `seats`; no request failed;
- the API rate limit (MEETUP_API_RATE / MEETUP_API_BURST, api/ratelimit.py) holds across both
  instances: 20 requests with one key, alternating, give exactly `burst` 200s and the rest 429.
"""

import argparse
import signal
import subprocess
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import apply_burst
from bench.harness import REDIS_URL, machine_state

API_BURST = 5
API_RATE = 0.01  # one request per 100 s: nothing refills during the check
API_REQUESTS = 20


def api_rate_check(ports, cookies) -> bool:
    from accounts.models import User
    from api.keys import create_key

    ok = True
    for label, clients in (("one after another", 1), ("all at once", API_REQUESTS)):
        user = User.objects.order_by("pk")[len(label)]  # a different user, so a fresh bucket
        _, raw_key = create_key(user, f"bench {label}")
        headers = {"X-API-Key": raw_key}
        calls = [
            partial(
                apply_burst.request,
                ports[i % len(ports)],
                "GET",
                "/api/v2/events/?count=1",
                headers,
            )
            for i in range(API_REQUESTS)
        ]
        results, _ = apply_burst.burst(calls, clients)
        statuses = [s for s, _, _ in results]
        per_port = {
            port: sorted({str(s) for s in statuses[i :: len(ports)]})
            for i, port in enumerate(ports)
        }
        print(
            f"  API rate limit (burst {API_BURST}), {API_REQUESTS} requests {label}, alternating: "
            f"{statuses.count(200)} × 200, {statuses.count(429)} × 429, "
            f"other {len(statuses) - statuses.count(200) - statuses.count(429)} "
            f"(statuses per instance {per_port})",
            flush=True,
        )
        if clients == 1:  # the sequential case must be exact; the concurrent one is reported
            ok &= (
                statuses.count(200) == API_BURST and statuses.count(429) == API_REQUESTS - API_BURST
            )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="per instance")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, apply_burst._deadline)
    signal.alarm(apply_burst.DEADLINE_SECONDS)
    if subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True).returncode:
        raise SystemExit(f"Redis is needed at {REDIS_URL}")
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    print(f"Scale out: {args.users} users apply, alternating between two gunicorn instances "
          f"sharing PostgreSQL and Redis")  # fmt: skip
    print(f"  {machine_state()}")
    ok = apply_burst.run(
        bench="scale",
        servers=2,
        users=args.users,
        seats=args.seats,
        clients=args.clients,
        workers=args.workers,
        extra_env={
            "REDIS_URL": REDIS_URL,
            "MEETUP_API_RATE": str(API_RATE),
            "MEETUP_API_BURST": str(API_BURST),
        },
        after=api_rate_check,
    )
    print(f"  {machine_state()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
