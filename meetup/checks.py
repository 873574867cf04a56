"""Deploy checks (`manage.py check --deploy`) for Meetup's own settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W_SITE_URL = "meetup.W001"
W_SITE_URL_SCHEME = "meetup.W002"


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Without MEETUP_SITE_URL, mail carries links to a local address."""
    origin = getattr(settings, "MEETUP_SITE_URL", "")
    if not origin:
        return [
            Warning(
                "MEETUP_SITE_URL is not set: links in mail and calendars point to "
                "http://127.0.0.1:8000.",
                hint="Set MEETUP_SITE_URL to the public origin, e.g. https://meetup.example.org",
                id=W_SITE_URL,
            )
        ]
    if not origin.startswith(("http://", "https://")) or origin.count("/") > 2:
        return [
            Warning(
                f"MEETUP_SITE_URL={origin!r} is not an origin.",
                hint="Give scheme and host only, e.g. https://meetup.example.org",
                id=W_SITE_URL_SCHEME,
            )
        ]
    return []
