"""Organisers' messages to the registrants of an event: queued as tasks, in batches, logged."""

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task

from events.audit import log
from events.models import Event, Registration

BATCH_SIZE = 200

AUDIENCE_STATUSES = {
    "accepted": [Registration.Status.ACCEPTED],
    "waitlisted": [Registration.Status.WAITLISTED],
    "all": list(Registration.LIVE_STATUSES),
}


def recipients(event, audience: str):
    return Registration.objects.filter(
        event=event, status__in=AUDIENCE_STATUSES[audience], user__isnull=False
    ).exclude(user__email="")


def queue_message(event: Event, *, audience: str, subject: str, body: str, by) -> int:
    """Queue the message to every registrant of `audience`; returns how many will get it."""
    ids = list(recipients(event, audience).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        log(event, by, "event.message", subject, audience=audience, recipients=len(ids))
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            transaction.on_commit(
                partial(send_event_message.enqueue, event.pk, batch, subject, body)
            )
    return len(ids)


@task
def send_event_message(event_id: int, registration_ids: list[int], subject: str, body: str) -> int:
    """Send one batch: one e-mail per registrant, through one connection. Returns mails sent."""
    event = Event.objects.get(pk=event_id)
    from events.tasks import site_url

    footer = f"\n\n-- \n{event.title}\n{site_url(event.get_absolute_url())}\n"
    registrations = (
        Registration.objects.filter(pk__in=registration_ids, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    )
    emails = [
        EmailMessage(
            subject=f"[{event.title}] {subject}",
            body=body + footer,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.user.email],
        )
        for registration in registrations
        if registration.user.email
    ]
    with mailers.default as connection:  # one connection for the whole batch
        return connection.send_messages(emails) or 0
