"""A short-lived shared cache of public pages for anonymous readers.

A popular event opens and thousands of readers load the same page at the same second. Readers
without a session see a copy at most MEETUP_ANONYMOUS_CACHE_SECONDS old, served before the
session, auth and CSRF middleware run. Signed-in people get pages kept under version keys,
never older than the last change, with their own blocks (core/fragments.py).

Cached pages keep their security: each hit gets a fresh CSP nonce, and responses that set a
cookie (a CSRF token, a session) are never stored.
"""

import hashlib
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.crypto import get_random_string

PUBLIC_PREFIXES = ("/events/", "/communities/", "/reports/", "/speakers/")
PUBLIC_EXACT = {"/"}
EXCLUDED_PARTS = ("/apply", "/cancel", "/me", "/checkin", "/materials", "calendar", ".ics")
# The query parameters the public pages read (event and report filters, pagination, the
# lottery page's ticket type and receipt search). Any other parameter is left out of the key.
KNOWN_PARAMETERS = ("q", "when", "community", "month", "format", "year", "page", "type", "receipt")
ALLOWED_COOKIES = {settings.LANGUAGE_COOKIE_NAME}
NONCE_RE = re.compile(rb"'nonce-([A-Za-z0-9_\-+/=]+)'")

logger = logging.getLogger(__name__)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if set(request.COOKIES) - ALLOWED_COOKIES:
        return False
    path = request.path
    if path not in PUBLIC_EXACT and not path.startswith(PUBLIC_PREFIXES):
        return False
    return not any(part in path for part in EXCLUDED_PARTS)


def _key(request) -> str:
    """Only what the public views read: the host (which also checks it against ALLOWED_HOSTS),
    the path, the known query parameters (as the views read them: the last value), the language
    and htmx. An unknown parameter, such as a cache-busting one, gets the same cached copy."""
    language = translation.get_language_from_request(request)
    htmx = request.headers.get("HX-Request", "")
    query = urlencode(
        sorted((name, request.GET[name]) for name in KNOWN_PARAMETERS if name in request.GET)
    )
    raw = f"{request.get_host()}|{request.path}?{query}|{language}|{htmx}".encode()
    return "anon-page:" + hashlib.sha256(raw).hexdigest()


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    # Vary: Cookie is expected (the session was looked at); the key already holds everything
    # an anonymous request can vary on. A response that sets a cookie is personal, though.
    if response.cookies:
        return False
    return not response.has_header("Cache-Control") or "private" not in response["Cache-Control"]


def _with_fresh_nonce(response):
    header = response.headers.get("Content-Security-Policy", "").encode()
    match = NONCE_RE.search(header)
    if match:
        old = match.group(1)
        new = get_random_string(22).encode()
        response.content = response.content.replace(old, new)
        response.headers["Content-Security-Policy"] = header.replace(old, new).decode()
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = getattr(settings, "MEETUP_ANONYMOUS_CACHE_SECONDS", 0)

    def __call__(self, request):
        if not self.seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        try:
            cached = cache.get(key)
        except Exception:  # the cache is away: serve fresh pages rather than fail
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            response = _with_fresh_nonce(cached)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            response["Cache-Control"] = f"public, max-age={self.seconds}"
            try:
                cache.set(key, response, self.seconds)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
        return response
