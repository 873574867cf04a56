"""Every seat-changing write: apply, cancel, promote, capacity, approval, move, check-in.

Locking rule (the one rule of this module): each function takes the row lock of the ticket
type it changes (`select_for_update`) as its FIRST statement inside one
`transaction.atomic(durable=True)`, then counts fresh, decides and writes. Two operations on
the same ticket type therefore run one after the other, in every process on every host.
`move` locks two ticket types, always in primary-key order, so two moves cannot deadlock.
On SQLite the settings open every transaction with BEGIN IMMEDIATE, which serialises writers.

Mail is never sent under the lock: the outbox row is recorded in the transaction and the
sending task is enqueued with `transaction.on_commit` (events.tasks.record_status_mail).
Callers (views, admin actions, commands) only translate `RegistrationError` into a message.
"""

from __future__ import annotations

import functools

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events import page_versions
from events.audit import log
from events.models import Event, Registration, TicketType

Status = Registration.Status

#: Test-only seam: called between counting and writing in `apply`, `promote`, `move` and
#: `configuration.change_ticket_type`. The race tests set it to a
#: short sleep to widen the window; in production it is None and costs nothing.
_after_count_hook = None


class RegistrationError(Exception):
    """A user-facing reason why a registration change was refused (the message is str(exc))."""


class EmailNotVerified(RegistrationError):
    """Refused for want of a verified e-mail address (the view adds a link to verify one)."""


def lock_ticket_type(ticket_type) -> TicketType:
    """The ticket type (or its id), re-read under its row lock. Call only inside
    `transaction.atomic`: every seat change starts here, so here the event's pages learn that
    their figures and participants change (events/page_versions.py)."""
    known = isinstance(ticket_type, TicketType)
    if known:  # said before the lock is taken, so that it does not lengthen the hold
        page_versions.registrations_changed(ticket_type.event_id)
    pk = ticket_type.pk if known else ticket_type
    # With its event (every decision reads it fresh), not the community: the third table made
    # the statement 12-35% slower (bench/README.md), and only an organiser's cancel needs it.
    tt = TicketType.objects.select_related("event").select_for_update(of=("self",)).get(pk=pk)
    if not known:
        page_versions.registrations_changed(tt.event_id)
    return tt


def _enqueue_mail(registration_id: int, notify: bool = True, **known) -> None:
    from events.tasks import record_status_mail

    if notify:
        record_status_mail(registration_id, **known)  # in this transaction; sent after commit


@functools.cache
def _seat_counts_sql() -> str:
    meta = Registration._meta
    status, rank, ticket_type = (
        meta.get_field(name).column for name in ("status", "waitlist_rank", "ticket_type")
    )
    return (
        f"SELECT COUNT(CASE WHEN {status} = %s THEN 1 END),"
        f" COUNT(CASE WHEN {status} = %s THEN 1 END), MAX({rank})"
        f" FROM {meta.db_table} WHERE {ticket_type} = %s"
    )  # identifiers come from the model; values are parameters


def seat_counts(tt: TicketType) -> dict:
    """Accepted and waitlisted registrations of a ticket type, and its last waitlist rank.

    Plain SQL: it runs under the lock on every application, and compiling the ORM's aggregate
    took three times as long as the query itself (0.57 of 0.76 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(_seat_counts_sql(), [Status.ACCEPTED.value, Status.WAITLISTED.value, tt.pk])
        accepted, waitlisted, last_rank = cursor.fetchone()
    return {"accepted": accepted, "waitlisted": waitlisted, "last_rank": last_rank}


def _fresh(registration) -> Registration:
    """The registration re-read under its own row lock (after the ticket type's): a concurrent
    change of this row (a reconfirmation, say) is seen before anything is decided."""
    return (
        Registration.objects.select_related("user")
        .select_for_update(of=("self",))
        .get(pk=registration.pk)
    )


def _still_unconfirmed(registration: Registration) -> bool:
    """Expiry's condition, read under the lock: asked to reconfirm, holding a seat, silent."""
    return (
        registration.status == Status.ACCEPTED
        and registration.reconfirm_requested_at is not None
        and registration.confirmed_at is None
        and registration.checked_in_at is None
    )


def _is_organiser(user, event: Event) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.organised_communities.filter(pk=event.community_id).exists()


def _moveups_allowed(tt: TicketType, now) -> bool:
    if now >= tt.event.starts_at:
        return False
    if tt.moveup_cutoff_at and now >= tt.moveup_cutoff_at:
        return False
    # Before a draw, lottery seats belong to the draw, not to the waitlist.
    return not (tt.is_lottery and not tt.is_drawn)


def _check_can_apply(tt: TicketType, user, now) -> None:
    event = tt.event
    if event.status == Event.Status.DRAFT:
        raise RegistrationError(_("This event is not open for applications."))
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event was cancelled; applications are closed."))
    if now >= event.starts_at:
        raise RegistrationError(_("This event has already started; applications are closed."))
    if tt.is_lottery and tt.is_drawn:
        return  # after the draw, a late applicant joins the end of the waitlist
    if now < tt.opens_at:
        raise RegistrationError(
            _("Applications for “%(name)s” open on %(when)s.")
            % {"name": tt.name, "when": local_time_text(tt.opens_at, event)}
        )
    if now >= tt.closes_at:
        raise RegistrationError(_("Applications for “%(name)s” are closed.") % {"name": tt.name})


def local_time_text(value, event: Event) -> str:
    """A moment as the event's attendees read it: in the event's time zone."""
    return date_format(timezone.localtime(value, event.tzinfo), "DATETIME_FORMAT")


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _already_registered() -> RegistrationError:
    return RegistrationError(_("You are already registered for this event."))


def _decide_new(tt: TicketType) -> tuple[str, int | None, int | None]:
    """(status, waitlist rank, waitlist position) of a new application. Call under the lock;
    lottery and approval applications wait (pending) and need no count."""
    if tt.allocation == TicketType.Allocation.APPROVAL or (tt.is_lottery and not tt.is_drawn):
        return Status.PENDING, None, None
    counts = seat_counts(tt)
    if _after_count_hook is not None:
        _after_count_hook()
    if not tt.is_lottery and counts["accepted"] < tt.capacity and counts["waitlisted"] == 0:
        return Status.ACCEPTED, None, None
    # Every waitlisted registration has a lower rank than the new one, so its place is theirs + 1.
    return Status.WAITLISTED, (counts["last_rank"] or 0) + 1, counts["waitlisted"] + 1


def apply(
    ticket_type,
    *,
    user,
    show_in_list: bool = True,
    language: str = "",
    answers=None,
    questions=None,
    now=None,
    notify: bool = True,
) -> Registration:
    """Apply `user` to `ticket_type`: pending (lottery, approval), accepted or waitlisted.

    `answers` ({Question: value}) are checked and stored in the same transaction
    (`events.registration.answers.store`): a refused answer sends no application.
    `questions`, the questions asked for the ticket type when the caller has just read them
    (the apply form), spares reading them again under the lock. `now` and `notify=False` are
    for loading history (the demo): the time it happened, no mail.
    """
    if user is None or not user.is_authenticated:
        raise RegistrationError(_("Please log in to apply."))
    if not has_verified_email(user):
        raise EmailNotVerified(_("Please verify your e-mail address before applying."))
    try:
        with transaction.atomic(durable=True):
            tt = lock_ticket_type(ticket_type)
            now = now or timezone.now()
            _check_can_apply(tt, user, now)
            status, rank, position = _decide_new(tt)
            # One live registration per user per event: the partial unique index refuses a
            # second one (IntegrityError below), so no query asks first.
            registration = Registration.objects.create(
                ticket_type=tt,
                event_id=tt.event_id,
                user=user,
                status=status,
                waitlist_rank=rank,
                show_in_list=show_in_list,
                applied_at=now,
                decided_at=now if status != Status.PENDING else None,
                **({"language": language} if language else {}),
            )
            registration.ticket_type = tt
            if position is not None:
                registration.waitlist_position = position  # as counted under the lock
            store_answers(registration, answers, questions)
            _enqueue_mail(registration.pk, notify, status=status, email=user.email)
    except IntegrityError:
        # Already registered for this event: by an earlier application, or just now in another
        # tab holding another ticket type's lock. The partial unique index on live
        # registrations refused the row.
        if Registration.objects.filter(
            event_id=_event_id_of(ticket_type), user=user, status__in=Registration.LIVE_STATUSES
        ).exists():
            raise _already_registered() from None
        raise
    return registration


def store_answers(registration, answers, questions=None) -> None:
    from events.registration import answers as answers_workflow  # it imports this module

    answers_workflow.store(registration, answers, questions=questions)


def _event_id_of(ticket_type) -> int:
    if isinstance(ticket_type, TicketType):
        return ticket_type.event_id
    return TicketType.objects.values_list("event_id", flat=True).get(pk=ticket_type)


def promote(ticket_type_locked: TicketType, *, now=None, notify=True) -> list[Registration]:
    """Move the first waitlisted registrations up while seats are free. Call under the lock."""
    tt = ticket_type_locked
    now = now or timezone.now()
    if not _moveups_allowed(tt, now):
        return []
    free = tt.capacity - seat_counts(tt)["accepted"]
    if free <= 0:
        return []
    if _after_count_hook is not None:
        _after_count_hook()
    promoted = list(
        Registration.objects.filter(ticket_type_id=tt.pk, status=Status.WAITLISTED).order_by(
            "waitlist_rank", "pk"
        )[:free]
    )
    for registration in promoted:
        registration.status = Status.ACCEPTED
        registration.decided_at = now
        registration.save(update_fields=["status", "decided_at"])
        _enqueue_mail(registration.pk, notify)
    if promoted:
        log(tt.event, None, "registration.promote", tt, receipts=[r.receipt for r in promoted])
    return promoted


def _cancel_reason(registration: Registration, by, reason) -> str:
    if reason:
        return reason
    if by is not None and by.pk == registration.user_id:
        return Registration.CancelReason.SELF
    return Registration.CancelReason.ORGANISER


def cancel(
    registration, *, by, reason: str | None = None, now=None, notify: bool = True
) -> Registration:
    """Cancel a live registration; a freed seat goes to the first on the waitlist at once.

    `reason` defaults to the attendee's own cancellation when `by` is the attendee and to the
    organisers' otherwise. With `reason=EXPIRED` (reconfirmation) the registration is re-read
    under the lock and left alone unless it still holds an unconfirmed seat. `now` and
    `notify=False` are for loading history (the demo).
    """
    with transaction.atomic(durable=True):
        tt = lock_ticket_type(registration.ticket_type_id)
        registration = _fresh(registration)
        if by is not None and by.pk != registration.user_id and not _is_organiser(by, tt.event):
            raise RegistrationError(_("You can only cancel your own registration."))
        if not registration.is_live:
            raise RegistrationError(_("This registration is already cancelled."))
        if registration.checked_in_at:
            raise RegistrationError(_("You have already checked in; this cannot be cancelled."))
        if reason == Registration.CancelReason.EXPIRED and not _still_unconfirmed(registration):
            raise RegistrationError(_("This seat was confirmed; it does not expire."))
        held_seat = registration.status == Status.ACCEPTED
        now = now or timezone.now()
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_by = by if getattr(by, "pk", None) else None
        registration.cancel_reason = _cancel_reason(registration, by, reason)
        registration.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        _enqueue_mail(registration.pk, notify)
        if by is not None and by.pk != registration.user_id:
            log(tt.event, by, "registration.cancel", registration.receipt)
        if held_seat:
            promote(tt, now=now, notify=notify)
    return registration


def set_capacity(ticket_type, capacity: int, *, by) -> TicketType:
    """Change the seats: raising promotes from the waitlist, below the accepted count is
    refused. The rule lives in `configuration.change_ticket_type`; this is its durable form."""
    from events.registration import configuration

    with transaction.atomic(durable=True):
        tt = lock_ticket_type(ticket_type)
        tt.capacity = capacity
        return configuration.change_ticket_type(tt, by=by)


def _decide(registration, *, by, accept: bool) -> Registration:
    with transaction.atomic(durable=True):
        tt = lock_ticket_type(registration.ticket_type_id)
        registration = _fresh(registration)
        if registration.status != Status.PENDING or tt.is_lottery:
            raise RegistrationError(_("Only pending applications can be approved or rejected."))
        if accept and seat_counts(tt)["accepted"] >= tt.capacity:
            raise RegistrationError(
                _("No seat is free in “%(name)s”; raise its capacity first.") % {"name": tt.name}
            )
        registration.status = Status.ACCEPTED if accept else Status.REJECTED
        registration.decided_at = timezone.now()
        registration.save(update_fields=["status", "decided_at"])
        log(tt.event, by, "registration.approve" if accept else "registration.reject", registration)
        _enqueue_mail(registration.pk)
    return registration


def approve(registration, *, by) -> Registration:
    return _decide(registration, by=by, accept=True)


def reject(registration, *, by) -> Registration:
    return _decide(registration, by=by, accept=False)


def move(registration, ticket_type, *, by) -> Registration:
    """Give a live registration a seat in another ticket type of the same event.

    Refused when the target has no free seat. The old registration is cancelled (it keeps its
    draw rank: a published lottery record never changes) and a new one, with a new receipt,
    takes the seat. The old type's seat, if it held one, goes to its waitlist.
    """
    target_pk = ticket_type.pk if isinstance(ticket_type, TicketType) else ticket_type
    with transaction.atomic(durable=True):
        source_pk = registration.ticket_type_id
        locked = {pk: lock_ticket_type(pk) for pk in sorted({source_pk, target_pk})}
        source, target = locked[source_pk], locked[target_pk]
        old = _fresh(registration)
        if old.ticket_type_id != source_pk or not old.is_live:
            raise RegistrationError(_("Only a live registration can be moved."))
        if target.event_id != source.event_id:
            raise RegistrationError(_("A registration can only move within its event."))
        if target.pk == source.pk:
            raise RegistrationError(_("The registration is already in that ticket type."))
        if old.checked_in_at:
            raise RegistrationError(_("A checked-in registration cannot be moved."))
        taken = seat_counts(target)["accepted"]
        if taken >= target.capacity:
            raise RegistrationError(
                _("No seat is free in “%(name)s” (%(taken)s of %(capacity)s taken).")
                % {"name": target.name, "taken": taken, "capacity": target.capacity}
            )
        if _after_count_hook is not None:
            _after_count_hook()
        held_seat = old.status == Status.ACCEPTED
        now = timezone.now()
        old.status = Status.CANCELLED
        old.cancelled_at = now
        old.cancelled_by = by if getattr(by, "pk", None) else None
        old.cancel_reason = Registration.CancelReason.MOVED
        old.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        moved = Registration.objects.create(
            ticket_type=target,
            event_id=target.event_id,
            user_id=old.user_id,
            status=Status.ACCEPTED,
            show_in_list=old.show_in_list,
            language=old.language,
            applied_at=old.applied_at,
            decided_at=now,
        )
        log(source.event, by, "registration.move", moved, source=source.pk, to=target.pk,
            old_receipt=old.receipt)  # fmt: skip
        _enqueue_mail(moved.pk)
        if held_seat:
            promote(source, now=now)
    return moved


def check_in(registration, *, by, now=None) -> Registration:
    """Mark an accepted registration as checked in; refuses anything else, and a second time."""
    with transaction.atomic(durable=True):
        tt = lock_ticket_type(registration.ticket_type_id)
        registration = _fresh(registration)
        if registration.status != Status.ACCEPTED:
            raise RegistrationError(
                _("Only accepted registrations can check in (this one is %(status)s).")
                % {"status": registration.get_status_display()}
            )
        if registration.checked_in_at:
            raise RegistrationError(
                _("Already checked in at %(when)s.")
                % {"when": local_time_text(registration.checked_in_at, tt.event)}
            )
        registration.checked_in_at = now or timezone.now()
        registration.save(update_fields=["checked_in_at"])
        log(tt.event, by, "registration.check_in", registration)
    return registration
