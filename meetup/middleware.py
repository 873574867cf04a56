"""Turn a database that is busy or away into a friendly "try again" answer instead of a 500."""

import logging

from django.db import OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        # Lock timeouts, restarts, lost connections: the transaction was rolled back, so
        # nothing was half-written and the request can simply be sent again.
        logger.warning("database unavailable for %s: %s", request.path, type(exception).__name__)
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
