"""Check-in: who may enter, the signed tokens of the receipt QR code, self check-in.

The receipt code is public (it is in the lottery record), so the QR code carries a token signed
with the site's secret instead: only the site can make one, and it names one registration by id
and receipt, both checked when it is read. The door scanner opens `/checkin/<token>/` (URL name
`events:checkin`). The check-in itself is a seat-state change: `allocation.check_in`.
"""

import datetime as dt

from django.core import signing
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event, Registration

Status = Registration.Status

SALT = "events.checkin"

#: Attendees may type the room's code from this long before the start until the end.
SELF_CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)
#: Wrong codes allowed per attendee and event in SELF_CHECKIN_WINDOW seconds.
SELF_CHECKIN_ATTEMPTS = 10
SELF_CHECKIN_WINDOW = 30 * 60


def make_token(registration) -> str:
    return signing.dumps([registration.pk, registration.receipt], salt=SALT, compress=True)


def registration_for_token(token: str, max_age=None) -> Registration | None:
    """The registration a valid token names, or None when it no longer exists with that
    receipt; raises signing.BadSignature (or its subclass signing.SignatureExpired) for
    anything forged, mangled or too old."""
    value = signing.loads(token, salt=SALT, max_age=max_age)
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise signing.BadSignature("malformed check-in token")
    registration_id, receipt = value
    return (
        Registration.objects.select_related("user", "ticket_type", "event", "event__community")
        .filter(pk=registration_id, receipt=receipt)
        .first()
    )


def self_checkin_open(event, now=None) -> bool:
    """Whether attendees may enter the event's check-in code now (around the event)."""
    now = now or timezone.now()
    opens = event.starts_at - SELF_CHECKIN_OPENS_BEFORE
    return bool(event.checkin_code) and opens <= now < event.ends_at


def find_by_receipt(receipt: str):
    return (
        Registration.objects.select_related("user", "ticket_type", "event")
        .filter(receipt=receipt)
        .first()
    )


def refusal(registration, event: Event) -> str | None:
    """Why this registration cannot check in to `event` (a clear sentence), or None.

    The same rules are enforced again, under the lock, by `allocation.check_in`; this only
    finds the words before the organiser taps.
    """
    if registration is None:
        return _("No registration has this receipt number. Check the number and try again.")
    if registration.event_id != event.pk:
        return _("This receipt is for another event, not for this one.")
    who = registration.user.name if registration.user else _("(deleted account)")
    if registration.status == Status.CANCELLED:
        return _("%(name)s cancelled this registration: no seat.") % {"name": who}
    if registration.status == Status.REJECTED:
        return _("%(name)s's application was not accepted: no seat.") % {"name": who}
    if registration.status == Status.WAITLISTED:
        return _("%(name)s is on the waitlist (#%(place)s) and holds no seat.") % {
            "name": who,
            "place": registration.waitlist_position,
        }
    if registration.status == Status.PENDING:
        return _("%(name)s's application is still pending (no lottery result or approval yet).") % {
            "name": who
        }
    if registration.checked_in_at:
        when = timezone.localtime(registration.checked_in_at, event.tzinfo)
        return _("%(name)s already checked in at %(time)s.") % {
            "name": who,
            "time": date_format(when, "H:i"),
        }
    return None
