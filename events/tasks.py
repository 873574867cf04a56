"""Background mail for events (django.tasks). Enqueued on commit, never under a lock.

Every mail is plain text + HTML, in the recipient's language, and goes through the outbox
(events/outbox.py): recorded once per recipient, sent once, and a retry sends what is missing.
"""

from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.siteurl import site_name, site_url
from events import outbox
from events.audit import log
from events.models import Event, Membership, OutboxMail, Registration

UNSUBSCRIBE_SALT = "events.unsubscribe"


def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int | None:
    """The membership id, or None for a forged or mangled token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data.get("m") if isinstance(data, dict) else None


def _status_kind(status: str, registration: Registration) -> str:
    if status == Registration.Status.ACCEPTED and registration.waitlist_rank:
        return "moved_up"
    return {
        Registration.Status.PENDING: "received",
        Registration.Status.ACCEPTED: "accepted",
        Registration.Status.WAITLISTED: "waitlisted",
        Registration.Status.CANCELLED: "cancelled",
        Registration.Status.REJECTED: "rejected",
    }[status]


def _subject(kind: str, event: Event) -> str:
    subjects = {
        "received": _("Application received: %(event)s"),
        "accepted": _("You have a seat: %(event)s"),
        "moved_up": _("You moved up from the waitlist: %(event)s"),
        "waitlisted": _("You are on the waitlist: %(event)s"),
        "cancelled": _("Registration cancelled: %(event)s"),
        "rejected": _("Application not accepted: %(event)s"),
    }
    return subjects[kind] % {"event": event.title}


def render_mail(template: str, context: dict) -> tuple[str, str]:
    """The text and HTML bodies of `events/email/<template>`."""
    return (
        render_to_string(f"events/email/{template}.txt", context),
        render_to_string(f"events/email/{template}.html", context),
    )


# -- Status mails: one per registration and status ------------------------------------------


def status_message(registration_id: int, status: str) -> str:
    return f"status:{registration_id}:{status}"


def record_status_mail(registration_id: int, *, status=None, email=None) -> None:
    """Record the mail for the registration's current status and send it after commit.
    Call inside the transaction that changed the status (allocation does). A caller that has
    just written the row passes its `status` and the user's `email`: no query reads them back."""
    if status is None:
        record_current_status(registration_id)
    elif email:
        _record_status(registration_id, status, email)
    transaction.on_commit(partial(send_status_mail.enqueue, registration_id))


def _record_status(registration_id: int, status: str, email: str) -> None:
    outbox.record(
        status_message(registration_id, status),
        [(email, {"registration": registration_id, "status": status})],
        counted=False,
    )


def record_current_status(registration_id: int) -> str | None:
    """Record the mail for the registration's current status, if not yet recorded (the draw's
    result mails are recorded by their task). Returns the status, or None: nobody to tell."""
    row = (
        Registration.objects.filter(pk=registration_id).values_list("status", "user__email").first()
    )
    if row is None or not row[1]:
        return None
    status, email = row
    _record_status(registration_id, status, email)
    return status


def _compose_status(row: OutboxMail) -> None:
    registration = Registration.objects.select_related("user", "ticket_type", "event").get(
        pk=row.params["registration"]
    )
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        kind = _status_kind(row.params["status"], registration)
        context = {
            "kind": kind,
            "registration": registration,
            "event": event,
            "user": registration.user,
            "position": registration.waitlist_position,
            "starts": timezone.localtime(event.starts_at, event.tzinfo),
            "lottery_at": (
                timezone.localtime(registration.ticket_type.lottery_at, event.tzinfo)
                if registration.ticket_type.lottery_at
                else None
            ),
            "event_url": site_url(event.get_absolute_url()),
            "receipt_url": site_url(registration.get_absolute_url()),
            "site_name": site_name(),
        }
        row.subject = _subject(kind, event)
        row.body, row.html = render_mail("status", context)


@task
def send_status_mail(registration_id: int) -> bool:
    """Tell the applicant their status, once per status. Returns whether it sent any.

    Records the current status's mail if no transaction did (the draw's result mails), then
    sends every status mail of this registration still unsent."""
    status = record_current_status(registration_id)
    if status is None:
        return False
    sent = 0
    for value in Registration.Status.values:
        sent += outbox.deliver(status_message(registration_id, value), _compose_status)
    Registration.objects.filter(pk=registration_id, status=status).update(mailed_status=status)
    return sent > 0


# -- New-event announcements: one per member -------------------------------------------------


def announce_event(event: Event) -> int:
    """Call in the transaction that publishes the event: records one mail per member who
    opted in (once, however often it is published) and sends them after commit."""
    members = (
        Membership.objects.filter(community_id=event.community_id, notify_new_events=True)
        .exclude(user__email="")
        .order_by("pk")
        .values_list("pk", "user__email")
    )
    message = f"new_event:{event.pk}"
    recorded = outbox.record(
        message, ((email, {"membership": pk}) for pk, email in members.iterator(2000))
    )
    if recorded:
        log(event, None, "event.announce", event, recipients=recorded)
    transaction.on_commit(partial(send_new_event_mail.enqueue, event.pk))
    return recorded


def _compose_new_event(row: OutboxMail) -> None:
    membership = Membership.objects.select_related("user", "community").get(
        pk=row.params["membership"]
    )
    event = Event.objects.get(pk=row.message.split(":")[1])
    unsubscribe = site_url(reverse("events:unsubscribe", args=[unsubscribe_token(membership)]))
    with translation.override(membership.language or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "community": membership.community,
            "user": membership.user,
            "starts": timezone.localtime(event.starts_at, event.tzinfo),
            "event_url": site_url(event.get_absolute_url()),
            "unsubscribe_url": unsubscribe,
            "site_name": site_name(),
        }
        row.subject = _("New event from %(community)s: %(event)s") % {
            "community": membership.community.name,
            "event": event.title,
        }
        row.body, row.html = render_mail("new_event", context)
    row.headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@task
def send_new_event_mail(event_id: int) -> int:
    """Send the announcement's unsent mails. Returns how many were sent now."""
    if not Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED).exists():
        return 0
    return outbox.deliver(f"new_event:{event_id}", _compose_new_event)


def _schedule_lines(event: Event, old: dict) -> list[tuple[str, str, str]]:
    """(label, before, now) for each changed field, in the active language and the event's zone."""
    from django.utils.dateparse import parse_datetime
    from django.utils.formats import date_format

    def when(value):
        moment = parse_datetime(value) if isinstance(value, str) else value
        return date_format(timezone.localtime(moment, event.tzinfo), "DATETIME_FORMAT")

    labels = {
        "starts_at": _("Starts"),
        "ends_at": _("Ends"),
        "timezone": _("Time zone"),
        "venue_name": _("Venue"),
        "address": _("Address"),
        "online_url": _("Online URL"),
    }
    lines = []
    for name, label in labels.items():
        if name not in old:
            continue
        before, now = old[name], getattr(event, name)
        if name in ("starts_at", "ends_at"):
            before, now = when(before), when(now)
        lines.append((str(label), before or "—", now or "—"))
    return lines


def record_event_changed(event: Event, registration_ids: list[int], old: dict) -> int:
    """In the transaction that changed the event's date, time or venue: one outbox row per
    live registrant, sent on commit by `send_event_changed`. Returns how many rows."""
    message = f"event_changed:{event.pk}:{timezone.now().timestamp():.6f}"
    registrations = (
        Registration.objects.filter(pk__in=registration_ids)
        .exclude(user=None)
        .values_list("pk", "user__email")
    )
    recorded = outbox.record(
        message, ((email, {"registration": pk, "old": old}) for pk, email in registrations)
    )
    transaction.on_commit(partial(send_event_changed.enqueue, message))
    return recorded


def _compose_event_changed(row: OutboxMail) -> None:
    registration = Registration.objects.select_related("user", "event").get(
        pk=row.params["registration"]
    )
    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "registration": registration,
            "user": registration.user,
            "changes": _schedule_lines(event, row.params["old"]),
            "starts": timezone.localtime(event.starts_at, event.tzinfo),
            "event_url": site_url(event.get_absolute_url()),
            "site_name": site_name(),
        }
        row.subject = _("Changed: %(event)s") % {"event": event.title}
        row.body, row.html = render_mail("event_changed", context)


@task
def send_event_changed(message: str) -> int:
    """Send a schedule change's unsent mails. Returns how many were sent now."""
    return outbox.deliver(message, _compose_event_changed)
