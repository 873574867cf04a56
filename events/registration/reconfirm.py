"""Reconfirmation: accepted attendees confirm their seat before a deadline or lose it.

A ticket type may set `reconfirm_opens_at` (when the request goes out) and
`reconfirm_deadline_at`. `run_due` (called every minute by `manage.py run_due_jobs`):

- asks every accepted, unconfirmed attendee of an open reconfirmation by e-mail, once
  (`reconfirm_requested_at`), including people who move up while it is open;
- after the deadline, cancels those who were asked and did not confirm, through
  `allocation.cancel(reason=EXPIRED)`, so every freed seat passes down the waitlist in the same
  transaction. `cancel` re-reads the registration under the lock (after the ticket type's) and
  skips a seat confirmed meanwhile: `confirm` holds that row's lock while it writes.

Attendees confirm with `confirm` (the reconfirm page). The requests are recorded in the
outbox in the transaction that marks them asked, and go out after commit, in batches.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.siteurl import site_name, site_url
from events import outbox, page_versions
from events.models import Registration
from events.registration import allocation
from events.registration.allocation import RegistrationError
from events.tasks import render_mail

Status = Registration.Status
MAIL_BATCH = 200

#: Test-only seam: called between listing the overdue seats and cancelling them (the race
#: tests widen the window with a sleep). None in production.
_after_list_hook = None


@dataclasses.dataclass(frozen=True)
class ReconfirmRun:
    requested: int
    cancelled: int


def needs_confirmation(registration: Registration, now=None) -> bool:
    """True while an accepted attendee can (and should) still confirm."""
    tt = registration.ticket_type
    now = now or timezone.now()
    return (
        registration.status == Status.ACCEPTED
        and registration.confirmed_at is None
        and tt.reconfirm_deadline_at is not None
        and tt.reconfirm_opens_at is not None
        and tt.reconfirm_opens_at <= now < tt.reconfirm_deadline_at
    )


def confirm(registration, *, by, now=None) -> Registration:
    """The attendee keeps their seat. Confirming twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("ticket_type")
            .get(pk=registration.pk)
        )
        if by is None or by.pk != registration.user_id:
            raise RegistrationError(_("You can only confirm your own seat."))
        if registration.status != Status.ACCEPTED:
            raise RegistrationError(_("Only a registration with a seat can be confirmed."))
        if registration.confirmed_at:
            return registration
        tt = registration.ticket_type
        if tt.reconfirm_deadline_at is None:
            raise RegistrationError(_("This ticket type asks for no reconfirmation."))
        if now >= tt.reconfirm_deadline_at:
            raise RegistrationError(_("The deadline to confirm has passed; the seat was released."))
        registration.confirmed_at = now
        registration.save(update_fields=["confirmed_at"])
        # No seat changes, so no ticket-type lock: say here that the status box did.
        page_versions.registrations_changed(registration.event_id)
    return registration


def request_due(now=None) -> int:
    """Ask, once, every accepted attendee of an open reconfirmation. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        # One UPDATE marks the batch; a concurrent run marks nothing twice (row locks).
        asked = Registration.objects.filter(
            status=Status.ACCEPTED,
            confirmed_at__isnull=True,
            reconfirm_requested_at__isnull=True,
            ticket_type__reconfirm_opens_at__lte=now,
            ticket_type__reconfirm_deadline_at__gt=now,
        ).update(reconfirm_requested_at=now)
        if asked:
            asked_at = Registration.objects.filter(reconfirm_requested_at=now)
            for event_id in asked_at.values_list("event_id", flat=True).distinct():
                page_versions.registrations_changed(event_id)  # their status boxes ask now
            rows = (
                Registration.objects.filter(reconfirm_requested_at=now, status=Status.ACCEPTED)
                .exclude(user=None)
                .exclude(user__email="")
                .order_by("ticket_type_id", "pk")
                .values_list("ticket_type_id", "pk", "user__email")
            )
            batches: dict[str, list] = {}
            for ticket_type_id, pk, email in rows:
                batch = batches.setdefault(ticket_type_id, [[]])
                if len(batch[-1]) == MAIL_BATCH:
                    batch.append([])
                batch[-1].append((email, {"registration": pk}))
            for ticket_type_id, batch in batches.items():
                for number, recipients in enumerate(batch, start=1):
                    # One message per ticket type and request time, one row per attendee.
                    message = f"reconfirm:{ticket_type_id}:{now:%Y%m%d%H%M%S}:{number}"
                    outbox.record(message, recipients)
                    transaction.on_commit(partial(send_reconfirm_requests.enqueue, message))
    return asked


def expire_due(now=None) -> int:
    """Cancel the asked-but-unconfirmed seats past their deadline. Returns how many."""
    now = now or timezone.now()
    overdue = (
        Registration.objects.filter(
            status=Status.ACCEPTED,
            confirmed_at__isnull=True,
            reconfirm_requested_at__isnull=False,
            checked_in_at__isnull=True,
            ticket_type__reconfirm_deadline_at__lte=now,
            event__ends_at__gt=now,
        )
        .order_by("ticket_type_id", "pk")
        .only("pk", "ticket_type_id")
    )
    cancelled = 0
    overdue = list(overdue)
    if _after_list_hook is not None:
        _after_list_hook()
    # One cancel per seat: each frees exactly one seat and promotes the next in line, under
    # the ticket type lock, in its own transaction (allocation's rule). The list above may be
    # stale: `cancel(reason=EXPIRED)` re-reads the registration under the lock and skips one
    # confirmed (or cancelled, or checked in) since.
    for registration in overdue:
        try:
            allocation.cancel(registration, by=None, reason=Registration.CancelReason.EXPIRED)
        except RegistrationError:
            continue  # confirmed, cancelled or checked in meanwhile
        cancelled += 1
    return cancelled


def run_due(now=None) -> ReconfirmRun:
    now = now or timezone.now()
    cancelled = expire_due(now)
    return ReconfirmRun(requested=request_due(now), cancelled=cancelled)


def _compose_request(row) -> None:
    registration = Registration.objects.select_related("user", "event", "ticket_type").get(
        pk=row.params["registration"]
    )
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event,
            "user": registration.user,
            "starts": timezone.localtime(event.starts_at, event.tzinfo),
            "deadline": timezone.localtime(
                registration.ticket_type.reconfirm_deadline_at, event.tzinfo
            ),
            "confirm_url": site_url(reverse("events:reconfirm", args=[event.pk])),
            "site_name": site_name(),
        }
        row.subject = _("Please confirm your seat: %(event)s") % {"event": event.title}
        row.body, row.html = render_mail("reconfirm", context)


@task
def send_reconfirm_requests(message: str) -> int:
    """E-mail a batch of reconfirmation requests (unsent rows only). Returns mails sent."""
    return outbox.deliver(message, _compose_request)
