"""Background mail for events (django.tasks). Enqueued on commit, never under a lock.

Every mail is plain text + HTML, in the recipient's language, and idempotent: running a task
twice sends nothing new.
"""

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.audit import log
from events.models import AuditLog, Event, Membership, Registration

UNSUBSCRIBE_SALT = "events.unsubscribe"


def site_url(path: str = "") -> str:
    base = getattr(settings, "MEETUP_SITE_URL", "")
    if not base:
        scheme = "https" if getattr(settings, "HTTPS", False) else "http"
        base = f"{scheme}://{Site.objects.get_current().domain}"
    return base.rstrip("/") + path


def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int | None:
    """The membership id, or None for a forged or mangled token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data.get("m") if isinstance(data, dict) else None


def _status_kind(registration: Registration) -> str:
    if registration.status == Registration.Status.ACCEPTED and registration.waitlist_rank:
        return "moved_up"
    return {
        Registration.Status.PENDING: "received",
        Registration.Status.ACCEPTED: "accepted",
        Registration.Status.WAITLISTED: "waitlisted",
        Registration.Status.CANCELLED: "cancelled",
        Registration.Status.REJECTED: "rejected",
    }[registration.status]


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


def _send(to, subject, template, context, headers=None, connection=None) -> None:
    text = render_to_string(f"events/email/{template}.txt", context)
    html = render_to_string(f"events/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers or {}, connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()


@task
def send_status_mail(registration_id: int) -> bool:
    """Tell the applicant their current status, once per status. Returns whether it sent."""
    registration = (
        Registration.objects.select_related("user", "ticket_type", "event")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.user is None or not registration.user.email:
        return False
    status = registration.status
    event = registration.event
    # Claim the status in its own short statement, then send: a second (or concurrent) run
    # finds it claimed and sends nothing, and no row lock is held while SMTP talks (a cancel
    # or move-up of this registration never waits for a mail server). A failed send gives
    # the claim back, so the task's retry sends it.
    claimed = (
        Registration.objects.filter(pk=registration_id, status=status)
        .exclude(mailed_status=status)
        .update(mailed_status=status)
    )
    if not claimed:
        return False
    try:
        with translation.override(registration.language or settings.LANGUAGE_CODE):
            kind = _status_kind(registration)
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
                "site_name": settings.MEETUP_SITE_NAME,
            }
            _send(registration.user.email, _subject(kind, event), "status", context)
    except Exception:
        Registration.objects.filter(pk=registration_id, mailed_status=status).update(
            mailed_status=registration.mailed_status
        )
        raise
    return True


def announce_event(event: Event) -> None:
    """Call when an event is published: members who opted in get one mail, after commit."""
    transaction.on_commit(lambda: send_new_event_mail.enqueue(event.pk))


@task
def send_new_event_mail(event_id: int) -> int:
    """Mail a community's members about a newly published event, once. Returns mails sent."""
    event = Event.objects.select_related("community").filter(pk=event_id).first()
    if event is None or event.status != Event.Status.PUBLISHED:
        return 0
    if AuditLog.objects.filter(event=event, action="event.announce").exists():
        return 0
    log(event, None, "event.announce", event)
    memberships = (
        Membership.objects.filter(community_id=event.community_id, notify_new_events=True)
        .select_related("user")
        .exclude(user__email="")
        .order_by("pk")
    )
    sent = 0
    with mailers.default as connection:  # one connection for the whole batch
        for membership in memberships.iterator(chunk_size=500):
            unsubscribe = site_url(
                reverse("events:unsubscribe", args=[unsubscribe_token(membership)])
            )
            with translation.override(membership.language or settings.LANGUAGE_CODE):
                context = {
                    "event": event,
                    "community": event.community,
                    "user": membership.user,
                    "starts": timezone.localtime(event.starts_at, event.tzinfo),
                    "event_url": site_url(event.get_absolute_url()),
                    "unsubscribe_url": unsubscribe,
                    "site_name": settings.MEETUP_SITE_NAME,
                }
                _send(
                    membership.user.email,
                    _("New event from %(community)s: %(event)s")
                    % {"community": event.community.name, "event": event.title},
                    "new_event",
                    context,
                    headers={
                        "List-Unsubscribe": f"<{unsubscribe}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                    connection=connection,
                )
            sent += 1
    return sent


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


@task
def send_event_changed(event_id: int, registration_ids: list[int], old: dict) -> int:
    """Tell live registrants what changed in the event's date, time or venue. Returns mails sent."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    registrations = (
        Registration.objects.filter(pk__in=registration_ids, status__in=Registration.LIVE_STATUSES)
        .select_related("user", "ticket_type")
        .exclude(user=None)
        .exclude(user__email="")
        .order_by("pk")
    )
    sent = 0
    with mailers.default as connection:
        for registration in registrations.iterator(chunk_size=500):
            with translation.override(registration.language or settings.LANGUAGE_CODE):
                context = {
                    "event": event,
                    "registration": registration,
                    "user": registration.user,
                    "changes": _schedule_lines(event, old),
                    "starts": timezone.localtime(event.starts_at, event.tzinfo),
                    "event_url": site_url(event.get_absolute_url()),
                    "site_name": settings.MEETUP_SITE_NAME,
                }
                _send(
                    registration.user.email,
                    _("Changed: %(event)s") % {"event": event.title},
                    "event_changed",
                    context,
                    connection=connection,
                )
            sent += 1
    return sent
