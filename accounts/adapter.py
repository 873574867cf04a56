"""django-allauth, adapted: mail on the site's own settings, rendered in the request and sent by
the task worker; the client address through MEETUP_TRUSTED_PROXIES.

Links in allauth's mail (confirm your address, reset your password) use MEETUP_SITE_URL and the
subject is prefixed with MEETUP_SITE_NAME, whatever Host header the request came with. Sending
inline made a sign-up wait for the SMTP server (seconds); now the request only renders the mail
and enqueues it once the transaction commits.
"""

from functools import partial
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.encoding import force_str

from core.clientip import client_ip
from core.siteurl import site_domain, site_name, site_url

from .tasks import send_account_mail


def _public(value, request):
    """A link built from the request's Host, moved onto the public origin (the request's own
    when MEETUP_SITE_URL is not set)."""
    if request is None or not isinstance(value, str):
        return value
    request_origin = f"{request.scheme}://{request.get_host()}"
    if value.startswith(request_origin + "/"):
        return site_url(value[len(request_origin) :], request)
    return value


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject) -> str:
        return f"[{site_name()}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        context = {key: _public(value, request) for key, value in context.items()}
        context["current_site"] = SimpleNamespace(name=site_name(), domain=site_domain())
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        alternatives = getattr(message, "alternatives", [])
        html = next((content for content, kind in alternatives if kind == "text/html"), "")
        if message.content_subtype == "html":  # allauth sends an HTML-only mail as the body
            html, body = message.body, ""
        else:
            body = message.body
        transaction.on_commit(
            partial(
                send_account_mail.enqueue,
                subject=message.subject,
                body=body,
                html=html,
                from_email=message.from_email,
                to=list(message.to),
                headers=dict(message.extra_headers),
            )
        )

    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
