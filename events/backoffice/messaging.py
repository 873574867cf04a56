"""Organisers' messages to the registrants of an event: queued as tasks, in batches, logged."""

from functools import partial

from django.db import transaction
from django.tasks import task

from core.siteurl import site_url
from events import outbox
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
    """Record the message for every registrant of `audience` (one outbox row each) and send
    it after commit, in batches; returns how many will get it."""
    rows = list(recipients(event, audience).order_by("pk").values_list("pk", "user__email"))
    footer = f"\n\n-- \n{event.title}\n{site_url(event.get_absolute_url())}\n"
    with transaction.atomic():
        entry = log(event, by, "event.message", subject, audience=audience, recipients=len(rows))
        for number, start in enumerate(range(0, len(rows), BATCH_SIZE), start=1):
            message = f"message:{entry.pk}:{number}"
            outbox.record(
                message,
                ((email, {"registration": pk}) for pk, email in rows[start : start + BATCH_SIZE]),
                subject=f"[{event.title}] {subject}"[:300],
                body=body + footer,
            )
            transaction.on_commit(partial(send_event_message.enqueue, message))
    return len(rows)


@task
def send_event_message(message: str) -> int:
    """Send one batch's unsent mails through one connection. Returns mails sent now."""
    return outbox.deliver(message)
