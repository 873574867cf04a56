"""Mail exactly once per recipient: the outbox.

The transaction that decides to send mail records one `OutboxMail` row per (message,
recipient) with `record`; a task enqueued on commit calls `deliver`, which sends every row
of the message that is not yet sent, each in its own short transaction:

    lock the row (skipping one another worker is sending) -> send -> mark it sent

A row is marked only once the mail server accepted it. When the server refuses one recipient
or the connection drops, that row keeps `sent_at` empty (with the error and the attempt
count), the other rows still go, and `deliver` raises `OutboxIncomplete` at the end so the
task fails; running the task again sends exactly the rows that are missing.
"""

from collections.abc import Callable, Iterable
from contextlib import suppress

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.utils import timezone

from events.models import OutboxMail

ERROR_LENGTH = 300


class OutboxIncomplete(Exception):
    """Some rows could not be sent; the task's retry sends them."""

    def __init__(self, failed: int):
        super().__init__(f"{failed} mail(s) not accepted by the mail server; retry to send them")
        self.failed = failed


def record(
    message: str, recipients: Iterable[tuple[str, dict]], *, counted: bool = True, **content
) -> int | None:
    """Record `message` for each (address, params) once; call inside the deciding
    transaction. `content` (subject, body, html, headers) is shared by every row; rows
    recorded earlier are left as they are. Returns how many rows are new; None with
    `counted=False`, which spares the two counts (a status mail under the seat lock)."""
    rows = [
        OutboxMail(message=message, recipient=address, params=params, **content)
        for address, params in recipients
        if address
    ]
    if not rows:
        return 0
    before = OutboxMail.objects.filter(message=message).count() if counted else 0
    OutboxMail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if not counted:
        return None
    return OutboxMail.objects.filter(message=message).count() - before


def unsent(message: str):
    return OutboxMail.objects.filter(message=message, sent_at__isnull=True).order_by("pk")


def _email(row: OutboxMail, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=row.headers or {},
        connection=connection,
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    return email


def deliver(message: str, compose: Callable[[OutboxMail], None] | None = None) -> int:
    """Send the unsent rows of `message`; returns how many were sent now.

    `compose(row)` fills in a row's subject and bodies when they are still empty (it may
    read the database; it must not save). Raises OutboxIncomplete when any row failed."""
    sent = failed = 0
    ids = list(unsent(message).values_list("pk", flat=True))
    if not ids:
        return 0
    with mailers.default as connection:  # one SMTP session for the batch
        for pk in ids:
            with transaction.atomic():
                row = (
                    OutboxMail.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, sent_at__isnull=True)
                    .first()
                )
                if row is None:
                    continue  # sent meanwhile, or being sent by another worker
                if not row.subject and compose is not None:
                    compose(row)
                row.attempts += 1
                try:
                    _email(row, connection).send()
                except Exception as exc:  # the server refused it, or the session broke
                    row.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
                    row.save(update_fields=["attempts", "last_error"])
                    failed += 1
                    with suppress(Exception):  # the next send opens a fresh session
                        connection.close()
                    continue
                row.sent_at = timezone.now()
                row.last_error = ""
                row.save(
                    update_fields=[
                        "subject",
                        "body",
                        "html",
                        "headers",
                        "attempts",
                        "last_error",
                        "sent_at",
                    ]
                )
                sent += 1
    if failed:
        raise OutboxIncomplete(failed)
    return sent
