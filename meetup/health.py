"""Health checks for the orchestrator, answered before any middleware looks at the Host.

The kubelet probes a pod at its own IP address, so the Host header is that address, not a
name in DJANGO_ALLOWED_HOSTS. This middleware comes first in MIDDLEWARE and answers the two
probe paths itself; every other request goes on to SecurityMiddleware and CommonMiddleware,
which check the Host as before. The answers carry no data from the request.

- ``/healthz``: ready to serve — the database answers (the readiness probe).
- ``/livez``: the process answers (the liveness probe: a database outage must not make the
  kubelet restart every web pod).
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse

READY_PATH = "/healthz"
LIVE_PATH = "/livez"


def _answer(status: str, code: int) -> JsonResponse:
    response = JsonResponse({"status": status}, status=code)
    response["Cache-Control"] = "no-store"
    return response


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in (READY_PATH, LIVE_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer("method not allowed", 405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == LIVE_PATH:
            return _answer("ok", 200)
        if not database_answers():
            return _answer("unavailable", 503)
        return _answer("ok", 200)
