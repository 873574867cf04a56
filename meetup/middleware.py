"""Turn a database that is away, or a lock that cannot be had, into a friendly "try again".

Only those two: a database that cannot be reached (the connection fails or is lost, the pool
has no connection for MEETUP_DB_POOL_TIMEOUT seconds, the server is shutting down) and a lock
timeout (SQLSTATE 55P03; "database is locked" on SQLite). The transaction was rolled back, so
sending the request again is safe. Every other database error (a missing table, a statement
timeout, a constraint) is a bug or an overload to look at: it stays a logged 500.
"""

import logging
import sqlite3

from django.db import OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader

from core.clientip import client_ip

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
LOCK_NOT_AVAILABLE = "55P03"
# Class 08: connection exceptions; 57P01-57P03: the server is shutting down or starting.
UNREACHABLE_SQLSTATES = {"57P01", "57P02", "57P03"}


def is_unavailable(exception) -> bool:
    """True for a database that is really unreachable or a lock timeout."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    try:
        import psycopg
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite-only installs
        psycopg = PoolTimeout = None
    if PoolTimeout is not None and isinstance(cause, PoolTimeout):
        return True
    if psycopg is not None and isinstance(cause, psycopg.Error):
        sqlstate = cause.sqlstate
        if sqlstate is None:
            # Raised by the client, not the server: the connection failed or was lost.
            return isinstance(cause, psycopg.OperationalError)
        return (
            sqlstate == LOCK_NOT_AVAILABLE
            or sqlstate.startswith("08")
            or sqlstate in UNREACHABLE_SQLSTATES
        )
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).startswith(("database is locked", "unable to open database"))
    return False


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None  # a 500, logged by Django's request logger
        # Lock timeouts, restarts, lost connections: the transaction was rolled back, so
        # nothing was half-written and the request can simply be sent again.
        logger.warning(
            "database unavailable for %s %s from %s: %s",
            request.method,
            request.path,
            client_ip(request),
            exception,
        )
        connection.close_if_unusable_or_obsolete()
        return unavailable_response(request)


def unavailable_response(request):
    """The friendly 503: JSON under /api/, else the "try again" page (also used by handler500
    for a database error raised outside a view, e.g. by a middleware)."""
    if request is not None and request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"message": "The service is busy. Please try again shortly."}},
            status=503,
        )
    else:
        # Rendered without the request: its context processors would query the database.
        html = loader.get_template("503.html").render({})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
