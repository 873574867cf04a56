"""Sessions read from the cache, written through to the database (Django's `cached_db`), that
keep working while the cache is away: Django's engine guards only some of its cache calls, and
a signed-in site must not fail with Redis."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            return super().load()
        except Exception as exc:
            if not _cache_error(exc):
                raise
            logger.warning("session cache unavailable: read from the database", exc_info=True)
            row = self._get_session_from_db()
            return self.decode(row.session_data) if row else {}

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception as exc:
            if not _cache_error(exc):
                raise
            return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception as exc:
            if not _cache_error(exc):
                raise
            # The database row is gone, so the session is over; the cached copy expires.
            logger.error("session cache unavailable: a deleted session stays cached", exc_info=True)


def _cache_error(exc) -> bool:
    """Whether `exc` came from the cache, not the database (whose errors have their own page)."""
    from django.db import DatabaseError

    return not isinstance(exc, DatabaseError)
