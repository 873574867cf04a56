"""The names of a registration's states, in one place, for the attendee and for the organisers.

A registration's `status` says where it stands in the workflow; what a person reads also
depends on why it was cancelled (`cancel_reason`), on the event (called off, ended) and on the
door (checked in). `state_key` turns all of that into one key; `label` names it for the
attendee ("Cancelled by you") or for the organisers ("Cancelled by the attendee"). The event
page, /me/, the receipt, the back office and the CSV use these names, and nothing else.

中止 (the event was called off) is only ever the event's state, never a person's cancellation.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events.models import Registration

Status = Registration.Status
Reason = Registration.CancelReason

#: Every key `state_key` can return.
KEYS = (
    "pending_lottery",
    "pending_approval",
    "accepted",
    "checked_in",
    "no_show",
    "waitlisted",
    "cancelled",
    "cancelled_self",
    "cancelled_organiser",
    "moved",
    "expired",
    "event_cancelled",
    "rejected",
)

#: Keys shown in neutral colours (waiting), in green (a seat), and muted (over).
SEAT_KEYS = ("accepted", "checked_in")
WAITING_KEYS = ("pending_lottery", "pending_approval", "waitlisted")


def state_key(
    *,
    status: str,
    cancel_reason: str = "",
    checked_in: bool = False,
    is_lottery: bool = False,
    event_cancelled: bool = False,
    event_ended: bool = False,
) -> str:
    """The state of a registration from plain values (the CSV reads rows, not models)."""
    if status == Status.CANCELLED:
        return {
            Reason.SELF: "cancelled_self",
            Reason.ORGANISER: "cancelled_organiser",
            Reason.MOVED: "moved",
            Reason.EXPIRED: "expired",
        }.get(cancel_reason, "cancelled")  # no reason recorded: just cancelled
    if status == Status.REJECTED:
        return "rejected"
    if event_cancelled:
        return "event_cancelled"
    if status == Status.ACCEPTED:
        if checked_in:
            return "checked_in"
        return "no_show" if event_ended else "accepted"
    if status == Status.WAITLISTED:
        return "waitlisted"
    return "pending_lottery" if is_lottery else "pending_approval"


def state_of(registration: Registration, now=None) -> str:
    """`state_key` of a registration read with its event and ticket type."""
    event = registration.event
    return state_key(
        status=registration.status,
        cancel_reason=registration.cancel_reason,
        checked_in=registration.checked_in_at is not None,
        is_lottery=registration.ticket_type.is_lottery,
        event_cancelled=event.is_cancelled,
        event_ended=(now or timezone.now()) >= event.ends_at,
    )


def label(key: str, *, organiser: bool = False, position: int | None = None) -> str:
    """The state's name in the active language; the attendee reads "you", organisers do not."""
    if key == "waitlisted":
        if position:
            return _("Waitlist #%(n)s") % {"n": position}
        return _("Waitlisted")
    if key == "cancelled_self":
        return _("Cancelled by the attendee") if organiser else _("Cancelled by you")
    names = {
        "pending_lottery": _("Awaiting lottery"),
        "pending_approval": _("Awaiting decision"),
        "accepted": _("Accepted"),
        "checked_in": _("Checked in"),
        "no_show": _("No-show"),
        "cancelled": pgettext("registration status", "Cancelled"),
        "cancelled_organiser": _("Cancelled by the organisers"),
        "moved": _("Moved to another ticket type"),
        "expired": _("Expired (not reconfirmed)"),
        "event_cancelled": pgettext("registration state", "Event cancelled"),
        "rejected": _("Not accepted"),
    }
    return names[key]


def badge_class(key: str) -> str:
    if key in SEAT_KEYS:
        return "badge-ok"
    if key in WAITING_KEYS:
        return "badge-neutral"
    if key in ("no_show", "event_cancelled", "rejected"):
        return "badge-danger"
    return ""
