"""allauth, adapted: its mails are rendered in the request and sent by the task worker.

Sending inline made a sign-up wait for the SMTP server (seconds); now the request only
renders the mail and enqueues it once the transaction commits.
"""

from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from .tasks import send_account_mail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = self.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**ctx, **context})
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
