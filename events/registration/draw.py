"""Run the lottery of one ticket type against the database (DESIGN.md, `hmac-sha256-v1`).

The draw is the one seat-changing write outside `events.registration.allocation`, and it follows the same
rules: lock the ticket type row, read fresh, decide, write, all in one durable transaction.

    draw(ticket_type, by=user)      # the whole draw, or DrawError with a user-facing reason

Inside the lock it freezes the entries (every `pending` registration of the type), computes
each entry's weight from the type's published rule, ranks them with `events.registration.lottery.draw`,
and stores, for every entry in a few set-based statements (never one query per row):
`draw_rank`, `lottery_weight`, `status` (the first `seats` accepted, the rest waitlisted),
`waitlist_rank` and `decided_at`; then on the type `entries_digest`, `drawn_at` and
`seats_at_draw`. Setting `drawn_at` is what reveals the seed (`TicketType.revealed_seed_hex`).
A second draw, even one that waited for the lock, finds `drawn_at` set and changes nothing.
If anything fails midway the transaction rolls back and the type can be drawn again.

Results are mailed after commit, in batches, through the tasks framework. The seed is never
logged, printed or put in an exception message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from events.audit import log
from events.models import Registration, TicketType
from events.registration import lottery
from events.registration.allocation import RegistrationError, local_time_text, lock_ticket_type

#: Rows written per UPDATE on PostgreSQL. Each statement joins its batch against this ticket
#: type's rows once, so fewer, larger batches are faster: 100,000 entries take one statement.
#: Test-only seam: called with every row written, before the commit (the fault tests kill the
#: process there). None in production.
_before_commit_hook = None

STORE_BATCH = 100_000
#: Rows per bulk_update statement where the unnest UPDATE is not used (SQLite).
BULK_UPDATE_BATCH = 1_000
#: Registrations per result-mail task.
MAIL_BATCH = 200
#: On PostgreSQL, write with one UPDATE ... FROM unnest(arrays) per batch instead of Django's
#: bulk_update (a CASE WHEN per row). bench/draw_100k.py --compare times both.
UNNEST_UPDATE = True
#: Lost lotteries counted by the history rule, and so the highest weight is 1 + this.
HISTORY_DEPTH = 3

Status = Registration.Status


class DrawError(RegistrationError):
    """Why a draw was refused. Nothing was changed."""


@dataclasses.dataclass(frozen=True)
class DrawSummary:
    ticket_type: TicketType
    entries: int
    seats: int
    accepted: int
    waitlisted: int
    entries_digest: str


def draw(ticket_type, *, by=None, now=None, notify=True, durable=True) -> DrawSummary:
    """Draw the lottery of `ticket_type` once; raise DrawError if it cannot or may not run.

    `now` backdates the draw (the demo's past event). `durable=False` is only for a loader that
    already runs inside its own transaction (seed_demo); everything else keeps the default.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=durable):
        summary = _draw_locked(ticket_type, by=by, now=now)
        if notify:
            transaction.on_commit(partial(_enqueue_result_mails, summary.ticket_type.pk))
    return summary


def _draw_locked(ticket_type, *, by, now) -> DrawSummary:
    tt = lock_ticket_type(ticket_type)
    refusal = why_not_drawable(tt, now)
    if refusal:
        raise DrawError(refusal)

    entries = list(
        Registration.objects.filter(ticket_type=tt, status=Status.PENDING)
        .order_by()
        .values_list("pk", "receipt", "user_id")
    )
    if not entries:
        raise DrawError(
            _("There are no entries to draw for “%(name)s”; nothing was changed.")
            % {"name": tt.name}
        )

    weights = entry_weights(tt, now=now)
    accepted_before = Registration.objects.filter(ticket_type=tt, status=Status.ACCEPTED).count()
    seats = max(tt.capacity - accepted_before, 0)
    result = lottery.draw(
        bytes(tt.seed), [(receipt, weights.get(uid, 1)) for _pk, receipt, uid in entries], seats
    )

    pk_of = {receipt: pk for pk, receipt, _uid in entries}
    # In primary-key order, so the UPDATE walks the table roughly in its physical order.
    rows = sorted((pk_of[e.receipt], e.rank, e.weight) for e in result.ranked)
    waitlist_base = (
        Registration.objects.filter(ticket_type=tt, waitlist_rank__isnull=False).aggregate(
            top=Max("waitlist_rank")
        )["top"]
        or 0
    )
    for start in range(0, len(rows), STORE_BATCH):
        _store_batch(tt, rows[start : start + STORE_BATCH], seats, waitlist_base, now)

    tt.entries_digest = result.entries_digest
    tt.drawn_at = now
    tt.seats_at_draw = seats
    tt.save(update_fields=["entries_digest", "drawn_at", "seats_at_draw", "updated_at"])

    if _before_commit_hook is not None:
        _before_commit_hook()
    accepted = min(seats, len(rows))
    log(
        tt.event,
        by,
        "lottery.draw",
        tt,
        entries=len(rows),
        seats=seats,
        accepted=accepted,
        entries_digest=result.entries_digest,
    )
    return DrawSummary(
        ticket_type=tt,
        entries=len(rows),
        seats=seats,
        accepted=accepted,
        waitlisted=len(rows) - accepted,
        entries_digest=result.entries_digest,
    )


def why_not_drawable(tt: TicketType, now: dt.datetime) -> str | None:
    """Why the lottery of `tt` cannot be drawn now (a sentence), or None when it can."""
    if not tt.is_lottery:
        return _("“%(name)s” is not a lottery ticket type; there is nothing to draw.") % {
            "name": tt.name
        }
    if tt.is_drawn:
        return _(
            "The lottery for “%(name)s” was already drawn on %(when)s; nothing was changed."
        ) % {"name": tt.name, "when": local_time_text(tt.drawn_at, tt.event)}
    if now < tt.closes_at:
        return _("Applications for “%(name)s” are open until %(when)s; draw after they close.") % {
            "name": tt.name,
            "when": local_time_text(tt.closes_at, tt.event),
        }
    if not tt.seed:
        return _("“%(name)s” has no committed seed.") % {"name": tt.name}
    return None


STORE_FIELDS = ["status", "draw_rank", "waitlist_rank", "lottery_weight", "decided_at"]


def _store_batch(tt, rows, seats, waitlist_base, now) -> None:
    """Write one batch of (pk, rank, weight) as one statement."""
    if connection.vendor == "postgresql" and UNNEST_UPDATE:
        _store_batch_postgresql(tt, rows, seats, waitlist_base, now)
        return
    objs = []
    for pk, rank, weight in rows:
        won = rank <= seats
        objs.append(
            Registration(
                pk=pk,
                status=Status.ACCEPTED if won else Status.WAITLISTED,
                draw_rank=rank,
                waitlist_rank=None if won else waitlist_base + rank - seats,
                lottery_weight=weight,
                decided_at=now,
            )
        )
    # bulk_update's CASE WHEN per row grows with the square of its batch: keep batches small.
    Registration.objects.bulk_update(objs, STORE_FIELDS, batch_size=BULK_UPDATE_BATCH)


def _store_batch_postgresql(tt, rows, seats, waitlist_base, now) -> None:
    # One UPDATE ... FROM unnest(arrays): three array parameters instead of a CASE per row
    # (what bulk_update generates), so a 100,000-entry draw costs about one bulk UPDATE.
    table = Registration._meta.db_table
    col = {name: Registration._meta.get_field(name).column for name in STORE_FIELDS}
    col["pk"] = Registration._meta.pk.column
    col["ticket_type"] = Registration._meta.get_field("ticket_type").column
    sql = f"""
        UPDATE {table} AS r SET
            {col["status"]} = CASE WHEN v.rank <= %(seats)s THEN %(accepted)s ELSE %(waitlisted)s END,
            {col["draw_rank"]} = v.rank,
            {col["waitlist_rank"]} = CASE WHEN v.rank <= %(seats)s THEN NULL
                                     ELSE %(base)s + v.rank - %(seats)s END,
            {col["lottery_weight"]} = v.weight,
            {col["decided_at"]} = %(now)s
        FROM unnest(%(ids)s::bigint[], %(ranks)s::integer[], %(weights)s::smallint[])
            AS v(id, rank, weight)
        WHERE r.{col["pk"]} = v.id AND r.{col["status"]} = %(pending)s
            AND r.{col["ticket_type"]} = %(ticket_type)s
    """  # identifiers come from the model; values are parameters
    params = {
        "seats": seats,
        "ticket_type": tt.pk,
        "base": waitlist_base,
        "now": now,
        "accepted": Status.ACCEPTED.value,
        "waitlisted": Status.WAITLISTED.value,
        "pending": Status.PENDING.value,
        "ids": [r[0] for r in rows],
        "ranks": [r[1] for r in rows],
        "weights": [r[2] for r in rows],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != len(rows):  # the lock makes this impossible; refuse half a draw
            raise DrawError(_("The entries changed during the draw; nothing was changed."))


# -- Weights ------------------------------------------------------------------------------


def entry_weights(tt: TicketType, *, now=None) -> dict[int, int]:
    """user id -> weight for the pending entries of `tt` under its weighting rule.

    The "history" rule (described on the event page): every entry starts at 1 and gets +1 for
    each of the applicant's last three lottery entries in this community that the draw did not
    accept (the published record: draw rank beyond the seats at draw). An applicant whose most
    recent seat at an event of this community that took attendance ended in a no-show, not
    cancelled and not checked in, gets 1 instead. Users missing from the result weigh 1.
    """
    if tt.weighting != TicketType.Weighting.HISTORY:
        return {}
    now = now or timezone.now()
    community_id = tt.event.community_id
    applicants = Registration.objects.filter(ticket_type=tt, status=Status.PENDING).values(
        "user_id"
    )

    lost: dict[int, int] = {}
    seen: dict[int, int] = {}
    past_entries = (
        Registration.objects.filter(
            user_id__in=applicants,
            event__community_id=community_id,
            ticket_type__allocation=TicketType.Allocation.LOTTERY,
            ticket_type__drawn_at__lte=now,
            draw_rank__isnull=False,
        )
        .exclude(ticket_type=tt)
        .order_by("user_id", "-ticket_type__drawn_at", "-pk")
        .values_list("user_id", "draw_rank", "ticket_type__seats_at_draw")
    )
    for user_id, rank, seats in past_entries.iterator(chunk_size=5000):
        if seen.get(user_id, 0) >= HISTORY_DEPTH:
            continue
        seen[user_id] = seen.get(user_id, 0) + 1
        if rank > (seats or 0):
            lost[user_id] = lost.get(user_id, 0) + 1

    no_show: set[int] = set()
    last_seats = (
        Registration.objects.filter(
            user_id__in=applicants,
            event__community_id=community_id,
            event__ends_at__lt=now,
            status=Status.ACCEPTED,
        )
        .filter(
            Exists(
                Registration.objects.filter(
                    event_id=OuterRef("event_id"), checked_in_at__isnull=False
                )
            )
        )
        .order_by("user_id", "-event__starts_at", "-pk")
        .values_list("user_id", "checked_in_at")
    )
    latest_seen: set[int] = set()
    for user_id, checked_in_at in last_seats.iterator(chunk_size=5000):
        if user_id in latest_seen:
            continue
        latest_seen.add(user_id)
        if checked_in_at is None:
            no_show.add(user_id)

    return {uid: 1 + n for uid, n in lost.items() if uid not in no_show}


# -- Mail after commit ----------------------------------------------------------------------


def _enqueue_result_mails(ticket_type_id: int) -> None:
    ids = list(
        Registration.objects.filter(ticket_type_id=ticket_type_id, draw_rank__isnull=False)
        .order_by("draw_rank")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), MAIL_BATCH):
        mail_draw_results.enqueue(ids[start : start + MAIL_BATCH])


@task
def mail_draw_results(registration_ids: list[int]) -> int:
    """Tell a batch of entrants their result, once each (the outbox). Every result is
    recorded first, so a mail server failure part-way loses none: the rows left unsent are
    sent by the retry (`jobs.retry_unsent`)."""
    from events.outbox import OutboxIncomplete
    from events.tasks import record_current_status, send_status_mail

    for pk in registration_ids:
        record_current_status(pk)
    failed = 0
    for pk in registration_ids:
        try:
            send_status_mail.call(pk)
        except OutboxIncomplete as exc:
            failed += exc.failed
    if failed:
        raise OutboxIncomplete(failed)
    return len(registration_ids)
