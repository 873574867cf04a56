"""Shared bench plumbing: a PostgreSQL database, gunicorn servers and wrk, all on loopback."""

import contextlib
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
#: Databases are named <prefix>_<bench>; ports start at BENCH_PORT (all on 127.0.0.1).
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "meetup_bench")
PORT = int(os.environ.get("BENCH_PORT", "8301"))
#: A Redis database of its own for the scale-out bench (flushed before use).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def database_name(bench: str) -> str:
    return f"{DB_PREFIX}_{bench}"


def machine_state() -> str:
    """nproc, load average, PostgreSQL and Python versions: print beside every figure."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    version = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True, text=True,
    ).stdout.strip() or "unreachable"  # fmt: skip
    return (
        f"nproc {os.cpu_count()} · load average {load} · PostgreSQL {version} · "
        f"Python {sys.version.split()[0]}"
    )


def collectstatic(env: dict[str, str]) -> None:
    """Production settings serve hashed static files: the manifest must exist."""
    manage(env, "collectstatic", "--no-input", "-v0")


def production_env(database: str, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="meetup.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{PG}/{database}",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def redis_env() -> dict[str, str]:
    """REDIS_URL for the servers, its Redis database emptied first (the production topology);
    {} when BENCH_REDIS_URL is empty: the database cache."""
    if not REDIS_URL:
        return {}
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    return {"REDIS_URL": REDIS_URL}


def recreate_database(name: str) -> None:
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
            check=True,
            capture_output=True,
        )


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def gunicorn(app: str, port: int, env: dict[str, str], workers: int = 2, probe: str = "/"):
    log = tempfile.NamedTemporaryFile(prefix=f"bench-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--backlog", "2048", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    process.log_name = log.name
    try:
        wait_until_up(f"http://127.0.0.1:{port}{probe}", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_up(url: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {Path(process.log_name).read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def wrk(url: str, seconds: int = 3, connections: int = 8, headers=()) -> float:
    """Requests per second that answered 2xx/3xx (wrk counts non-2xx separately)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} non-2xx answers\n{out}")
    return rps


def ratio_ab(
    page_url: str, bare_url: str, rounds: int = 3, headers=()
) -> tuple[float, float, float]:
    """Alternate A (page) and B (bare) so drift hits both; median of the per-round ratios."""
    ratios, pages, bares = [], [], []
    for _ in range(rounds):
        page = wrk(page_url, headers=headers)
        bare = wrk(bare_url)
        pages.append(page)
        bares.append(bare)
        ratios.append(page / bare)
    return statistics.median(ratios), statistics.median(pages), statistics.median(bares)
