"""django-allauth's mail and client address, on the site's own settings.

Links in allauth's mail (confirm your address, reset your password) use MEETUP_SITE_URL and
the subject is prefixed with MEETUP_SITE_NAME, whatever Host header the request came with; the
client address for its rate limits goes through MEETUP_TRUSTED_PROXIES.
"""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import PermissionDenied
from django.utils.encoding import force_str

from core.clientip import client_ip
from core.siteurl import site_domain, site_name, site_url


def _public(value, request, request_origin: str):
    """A link built from the request's Host, moved onto the public origin (unchanged when
    MEETUP_SITE_URL is not set: the request's origin is then the site's)."""
    if request_origin and isinstance(value, str) and value.startswith(request_origin + "/"):
        return site_url(value[len(request_origin) :], request)
    return value


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject) -> str:
        return f"[{site_name()}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        origin = f"{request.scheme}://{request.get_host()}" if request is not None else ""
        context = {key: _public(value, request, origin) for key, value in context.items()}
        context["current_site"] = SimpleNamespace(name=site_name(), domain=site_domain())
        super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
