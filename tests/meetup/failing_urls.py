"""A URLconf whose views fail, for the middleware tests."""

import psycopg
from django.db import OperationalError, connection, transaction
from django.urls import path
from psycopg_pool import PoolTimeout


def _raise_as_django(cause):
    """As Django's DatabaseErrorWrapper raises a driver's error."""
    raise OperationalError(str(cause)) from cause


def lock_timeout(request):
    # A real one needs a second connection holding the lock: tests/meetup/test_faults.py.
    _raise_as_django(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"))


def pool_timeout(request):
    _raise_as_django(PoolTimeout("couldn't get a connection after 30.00 sec"))


def connection_refused(request):
    _raise_as_django(psycopg.OperationalError("connection failed: Connection refused"))


def missing_table(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM meetup_no_such_table")


def statement_timeout(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")


def bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("busy/", lock_timeout),
    path("api/v2/busy/", lock_timeout),
    path("pool/", pool_timeout),
    path("refused/", connection_refused),
    path("missing-table/", missing_table),
    path("slow/", statement_timeout),
    path("bug/", bug),
]
