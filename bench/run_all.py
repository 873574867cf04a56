"""Every benchmark in one run, each figure beside the machine's state.

    .venv/bin/python bench/run_all.py [--only pages,opening,burst,draw,growth,scale]

Runs, one after another (never at the same time, so they do not measure each other):
pages (bench/pages.py), opening (bench/pages_burst.py), burst (bench/apply_burst.py), draw
(bench/draw_100k.py), growth (bench/growth.py) and scale-out (bench/scale_out.py), each in its
own process with a time limit, and prints their output as it comes. Needs PostgreSQL (BENCH_PG), Redis (BENCH_REDIS_URL) and
wrk. Every load loop is bounded in count and time and talks to 127.0.0.1 only. Exits non-zero
if a bench failed its correctness checks (seats, errors, sequential scans).

Not included: bench/faults.py, which restarts PostgreSQL for everyone on the machine.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine_state

BENCH = Path(__file__).resolve().parent
BENCHES = {
    "pages": (["pages.py"], 600),
    "opening": (["pages_burst.py"], 300),
    "burst": (["apply_burst.py"], 600),
    "draw": (["draw_100k.py"], 600),
    "growth": (["growth.py"], 900),
    "scale": (["scale_out.py"], 600),
}


def run(name: str, args: list[str], timeout: int) -> tuple[int, float]:
    print(f"\n=== {name} ({' '.join(args)}) " + "=" * max(0, 60 - len(name)), flush=True)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, *(str(BENCH / args[0]), *args[1:])])
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        print(f"{name}: stopped after its limit of {timeout} s", flush=True)
        code = -1
    return code, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches")
    names = [n for n in parser.parse_args().only.split(",") if n]
    unknown = set(names) - set(BENCHES)
    if unknown:
        raise SystemExit(f"unknown bench: {', '.join(sorted(unknown))}")
    print(f"Meetup benchmarks · {time.strftime('%Y-%m-%d %H:%M:%S')}")
    print(f"  {machine_state()}", flush=True)
    results = {name: run(name, *BENCHES[name]) for name in names}
    print("\n=== summary " + "=" * 50)
    for name, (code, seconds) in results.items():
        print(f"  {name:<8} {'ok' if code == 0 else f'FAILED ({code})':<12} {seconds:6.0f} s")
    print(f"  {machine_state()}")
    return 0 if all(code == 0 for code, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
