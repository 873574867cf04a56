"""The public origin of the site: the one place absolute links are made.

Mail, feeds, calendars, sitemaps, the API, QR codes and Open Graph tags all call `site_url`,
so every absolute link names the origin in `MEETUP_SITE_URL` (`https://meetup.example.org`),
whatever Host header a request came with. Without the setting (a local run), a request's own
origin is used when there is one, and `DEFAULT_SITE_URL` otherwise; `check --deploy` warns.
"""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def configured_origin() -> str:
    """`MEETUP_SITE_URL` without a trailing slash, or "" when it is not set."""
    return (getattr(settings, "MEETUP_SITE_URL", "") or "").strip().rstrip("/")


def site_origin(request=None) -> str:
    origin = configured_origin()
    if origin:
        return origin
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return DEFAULT_SITE_URL


def site_url(path: str = "", request=None) -> str:
    """The absolute URL of `path` (which starts with "/") on the public site."""
    if path.startswith(("http://", "https://")):
        return path
    return site_origin(request) + path


def site_host() -> str:
    """The host name of the public site, without port: stable across requests (calendar
    UIDs, the Sites framework's domain)."""
    return urlsplit(configured_origin() or DEFAULT_SITE_URL).hostname or "localhost"


def site_domain() -> str:
    """Host and port of the public site, as the Sites framework's `domain` holds it."""
    return urlsplit(configured_origin() or DEFAULT_SITE_URL).netloc


def site_name() -> str:
    return getattr(settings, "MEETUP_SITE_NAME", "") or "Meetup"
