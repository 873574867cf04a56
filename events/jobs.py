"""Scheduled work, run every minute by `manage.py run_due_jobs`: mail left unsent is sent again.

It sits beside, not under, the modules whose tasks it enqueues again (status mails, the
back office's messages, reconfirmation requests), so none of them imports another.
"""

import datetime as dt

from django.utils import timezone

from events import tasks
from events.backoffice import messaging
from events.models import OutboxMail
from events.registration import reconfirm

RETRY_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 10


def retry_unsent(now=None) -> int:
    """Enqueue again every message with rows left unsent for RETRY_AFTER (its task failed or
    was lost), up to MAX_ATTEMPTS per row. Sending is idempotent, so a task still queued
    does no harm. Called every minute by `manage.py run_due_jobs`. Returns how many."""
    cutoff = (now or timezone.now()) - RETRY_AFTER
    messages = (
        OutboxMail.objects.filter(
            sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("message")
        .values_list("message", flat=True)
        .distinct()
    )
    enqueued = 0
    for message in messages:
        kind, _, rest = message.partition(":")
        if kind == "status":
            tasks.send_status_mail.enqueue(int(rest.split(":")[0]))
        elif kind == "new_event":
            tasks.send_new_event_mail.enqueue(int(rest))
        elif kind == "event_changed":
            tasks.send_event_changed.enqueue(message)
        elif kind == "message":
            messaging.send_event_message.enqueue(message)
        elif kind == "reconfirm":
            reconfirm.send_reconfirm_requests.enqueue(message)
        else:
            continue
        enqueued += 1
    return enqueued
