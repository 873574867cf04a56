"""Small per-user rate limits, counted in the cache.

The cache is Redis or the database cache in production, so every web process shares the
counts. A limit is a fixed window: at most `limit` actions per `window` seconds, the windows
aligned to the clock. A cache that fails lets the action through rather than failing it.

Two layers:
- `exceeded(key, limit, window)` and `count(key, window)`: for a caller that counts only what
  succeeded (talks' material submissions);
- `hit(action, user)`: counts every attempt of a named action against the limit configured in
  `settings.MEETUP_RATE_LIMITS` (e.g. ``{"apply": "30/m"}``; ``False`` turns them all off) and
  raises `RateLimited` once over it.
"""

import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 60 * 60, "d": 60 * 60 * 24}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


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


def parse(rate: str) -> tuple[int, int]:
    """ "30/m" -> (30, 60); "10/5m" -> (10, 300); "100/d" -> (100, 86400)."""
    match = RATE.match(rate or "")
    if not match:
        raise ValueError(f"Not a rate like '30/m': {rate!r}")
    limit, multiple, unit = match.groups()
    return int(limit), int(multiple or 1) * UNITS[unit]


def _bucket(key: str, window: int, now: float) -> tuple[str, float]:
    start = math.floor(now / window) * window
    return f"ratelimit:{key}:{window}:{int(start)}", start + window - now


def exceeded(key: str, limit: int, window: int, *, now: float | None = None) -> float:
    """Seconds until the window ends if `key` already used up `limit`; else 0."""
    now = time.time() if now is None else now
    bucket, remaining = _bucket(key, window, now)
    try:
        used = cache.get(bucket, 0)
    except Exception:  # the cache is down: let it through
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return 0
    return remaining if used >= limit else 0


def count(key: str, window: int, *, now: float | None = None) -> int:
    """Count one action for `key` in the current window; returns the count so far."""
    now = time.time() if now is None else now
    bucket, remaining = _bucket(key, window, now)
    timeout = math.ceil(remaining) + 1
    try:
        if cache.add(bucket, 1, timeout):
            return 1
        try:
            return cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout)
            return 1
    except Exception:
        logger.warning("Rate limit cache unavailable", exc_info=True)
        return 0


def limit_for(action: str) -> tuple[int, int] | None:
    """The configured (limit, window) of an action, or None when it is not limited."""
    limits = getattr(settings, "MEETUP_RATE_LIMITS", None)
    if not limits or not limits.get(action):
        return None
    return parse(limits[action])


def hit(action: str, user, *, now: float | None = None) -> None:
    """Count one attempt of `action` by `user`; raises RateLimited when over the limit."""
    configured = limit_for(action)
    if configured is None:
        return
    limit, window = configured
    key = f"{action}:{user.pk}"
    now = time.time() if now is None else now
    if count(key, window, now=now) > limit:
        _, remaining = _bucket(key, window, now)
        raise RateLimited(remaining)
