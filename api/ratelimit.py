"""A rate limit per API key (or per address when the API is open), kept in the cache.

The generic cell rate algorithm: one number per bucket, the theoretical arrival time of the
next request. A bucket allows ``MEETUP_API_RATE`` requests a second on average with bursts of
up to ``MEETUP_API_BURST``. With Redis the limit is shared by every web process; a cache that
fails lets the request through rather than failing it.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


#: Test-only seam between reading and writing the cell; the race tests widen the window with it.
_after_read_hook = None


class RateLimited(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"Rate limit exceeded; retry after {retry_after:.1f} s.")
        self.retry_after = retry_after

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


def check(bucket: str, *, now: float | None = None) -> None:
    """Count one request against the bucket; raises RateLimited when it is over the limit."""
    rate = float(getattr(settings, "MEETUP_API_RATE", 1.0))
    burst = max(1, int(getattr(settings, "MEETUP_API_BURST", 5)))
    if rate <= 0:
        return
    interval = 1.0 / rate
    now = time.time() if now is None else now
    key = f"api-rate:{bucket}"
    try:
        locked = _acquire(key)
    except Exception:  # the cache is down: serve rather than fail
        logger.warning("API rate limit cache unavailable", exc_info=True)
        return
    if not locked:
        # Many requests with one key at the same instant: exactly what the limit is for.
        raise RateLimited(interval)
    try:
        tat = max(cache.get(key) or now, now)
        if _after_read_hook is not None:
            _after_read_hook()
        allowed_at = tat - interval * (burst - 1)
        if now < allowed_at:
            raise RateLimited(allowed_at - now)
        cache.set(key, tat + interval, timeout=math.ceil(interval * burst) + 1)
    except RateLimited:
        raise
    except Exception:  # the cache is down: serve rather than fail
        logger.warning("API rate limit cache unavailable", exc_info=True)
    finally:
        _release(key)


#: How long a request waits for another request of the same key to finish its update.
LOCK_WAIT_SECONDS = 0.2


def _acquire(key: str) -> bool:
    """A short mutex per bucket: `add` is atomic in Redis and the database cache, so the
    read-then-write of the cell is never interleaved, whichever web process runs it."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not cache.add(f"{key}:lock", 1, timeout=2):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
    return True


def _release(key: str) -> None:
    try:
        cache.delete(f"{key}:lock")
    except Exception:
        logger.warning("API rate limit cache unavailable", exc_info=True)
