"""The one rate limiter: fixed windows counted with atomic increments in the shared cache.

The cache is Redis or the database cache in production, so every web process shares the
counts. A limit is "at most `limit` actions per `window` seconds", the windows aligned to the
clock. A cache that fails lets the action through rather than failing it: a limit protects the
site, it is not a rule of the domain.

Increments are atomic whatever the backend: Redis (`INCR`) and the local-memory cache increment
atomically themselves; the database cache reads and writes, so there the increment runs under a
short mutex made with `cache.add` (an INSERT on the cache table's primary key, atomic across
processes).

Callers:
- `hit(action, who)`: counts every attempt of a named action against the limit configured in
  `settings.MEETUP_RATE_LIMITS` (``{"apply": "30/m"}``; ``False`` turns them all off) and raises
  `RateLimited` once over it (apply, cancel, changing answers);
- `check(key, limit, window)`: the same with the limit given by the caller (self check-in,
  the API);
- `seconds_until_allowed(key, limit, window)` and `consume(key, window)`: for a caller that
  counts only what succeeded (participants' material submissions).
"""

import logging
import math
import re
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 60 * 60, "d": 60 * 60 * 24}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")

#: The clock of the windows (tests hold it still so a test never straddles two windows).
_clock = time.time

#: How long an increment on the database cache waits for another one of the same key.
MUTEX_WAIT_SECONDS = 2.0


class RateLimited(Exception):
    """Too many actions in a short time; `retry_after` is in seconds."""

    def __init__(self, retry_after: float, message: str = ""):
        self.retry_after = retry_after
        super().__init__(
            message
            or _(
                "You have done this many times in a short time. Please wait a minute and try again."
            )
        )

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


def parse(rate: str) -> tuple[int, float]:
    """ "30/m" -> (30, 60); "10/5m" -> (10, 300); "100/d" -> (100, 86400)."""
    match = RATE.match(rate or "")
    if not match:
        raise ValueError(f"Not a rate like '30/m': {rate!r}")
    limit, multiple, unit = match.groups()
    return int(limit), int(multiple or 1) * UNITS[unit]


def _bucket(key: str, window: float, now: float) -> tuple[str, float]:
    """The cache key of the window `now` falls in, and the seconds left in that window."""
    index = math.floor(now / window)
    return f"ratelimit:{key}:{window:g}:{index}", (index + 1) * window - now


@contextmanager
def _mutex(name: str):
    deadline = time.monotonic() + MUTEX_WAIT_SECONDS
    while not cache.add(f"{name}:mutex", 1, timeout=5):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"rate limit mutex {name} is held")
        time.sleep(0.005)
    try:
        yield
    finally:
        cache.delete(f"{name}:mutex")


def _increment(bucket: str, timeout: int) -> int:
    """Add one to the bucket and return the new count, atomically across processes."""
    if cache.add(bucket, 1, timeout):
        return 1
    if isinstance(caches["default"], DatabaseCache):  # `cache` is a proxy
        with _mutex(bucket):
            used = (cache.get(bucket) or 0) + 1
            cache.set(bucket, used, timeout)
            return used
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout)
        return 1


def consume(key: str, window: float, *, now: float | None = None) -> int:
    """Count one action for `key` in the current window; returns the count so far (0 when
    the cache is unavailable)."""
    now = _clock() if now is None else now
    bucket, remaining = _bucket(key, window, now)
    try:
        return _increment(bucket, math.ceil(remaining) + 1)
    except Exception:
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return 0


def seconds_until_allowed(key: str, limit: int, window: float, *, now=None) -> float:
    """Seconds until the window ends if `key` already used up `limit`; else 0."""
    now = _clock() if now is None else now
    bucket, remaining = _bucket(key, window, now)
    try:
        used = cache.get(bucket, 0)
    except Exception:  # the cache is down: let it through
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return 0
    return remaining if used >= limit else 0


def limit_for(action: str) -> tuple[int, float] | None:
    """The configured (limit, window) of an action, or None when it is not limited."""
    limits = getattr(settings, "MEETUP_RATE_LIMITS", None)
    if not limits or not limits.get(action):
        return None
    return parse(limits[action])


def check(key: str, limit: int, window: float, *, now: float | None = None) -> None:
    """Count one attempt for `key`; raises RateLimited when it is over `limit` per `window`."""
    now = _clock() if now is None else now
    if consume(key, window, now=now) > limit:
        _, remaining = _bucket(key, window, now)
        raise RateLimited(remaining)


def hit(action: str, who, *, now: float | None = None) -> None:
    """Count one attempt of a configured `action` by `who` (a user, or any key string)."""
    configured = limit_for(action)
    if configured is None:
        return
    limit, window = configured
    who_key = who if isinstance(who, str) else who.pk
    check(f"{action}:{who_key}", limit, window, now=now)
