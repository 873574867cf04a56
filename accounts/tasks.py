"""Background mail for accounts (django.tasks): allauth's mails, sent after the response."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_account_mail(
    subject: str, body: str, html: str, from_email: str, to: list[str], headers: dict
) -> None:
    """Send one mail allauth rendered (confirmation, password reset, ...)."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
