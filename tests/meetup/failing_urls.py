"""A URLconf whose views fail, for the middleware tests."""

from django.db import OperationalError
from django.urls import path


def lock_timeout(request):
    raise OperationalError("canceling statement due to lock timeout")


def bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("busy/", lock_timeout),
    path("api/v2/busy/", lock_timeout),
    path("bug/", bug),
]
