"""Participants' materials: submitting a link about an event, and approving or rejecting it.

A participant is a user with an accepted registration for the event (checked-in registrations
are accepted ones with `checked_in_at` set); the event's organisers may submit too. Submissions
open when the event starts and show on the event page once an organiser approves them.
Views and admin actions call these functions and only translate `MaterialError` into a message.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from events.audit import log
from events.backoffice.scope import is_organiser_of
from events.models import Registration

from .models import Material, Talk
from .providers import is_http_url

TITLE_MAX = Material._meta.get_field("title").max_length
URL_MAX = Material._meta.get_field("url").max_length

#: At most RATE_LIMIT submissions per user in RATE_WINDOW seconds (all events together).
RATE_LIMIT = 10
RATE_WINDOW = 60 * 60


class MaterialError(Exception):
    """A user-facing reason why a material was refused."""


def is_participant(event, user) -> bool:
    """Accepted (or accepted and checked in) for this event."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.filter(
        event=event, user=user, status=Registration.Status.ACCEPTED
    ).exists()


def may_submit(event, user) -> bool:
    return is_participant(event, user) or (
        getattr(user, "is_authenticated", False) and is_organiser_of(user, event.community_id)
    )


def normalise_url(url: str) -> str:
    """Trimmed, without a trailing fragment-only '#'. Case is kept: paths are case-sensitive."""
    return (url or "").strip().removesuffix("#")


def _rate_key(user) -> str:
    return f"talks:material-submissions:{user.pk}"


def _check_rate(user):
    if ratelimit.seconds_until_allowed(_rate_key(user), RATE_LIMIT, RATE_WINDOW):
        raise MaterialError(
            _("You have shared many links in a short time. Please try again in an hour.")
        )


def _count_submission(user):
    ratelimit.consume(_rate_key(user), RATE_WINDOW)


def _check_fields(event, kind, url, title, talk):
    if kind not in Material.Kind.values:
        raise MaterialError(_("Choose what kind of link this is."))
    if not url:
        raise MaterialError(_("Enter the link's address."))
    if len(url) > URL_MAX:
        raise MaterialError(
            _("The link is too long (at most %(max)d characters).") % {"max": URL_MAX}
        )
    if not is_http_url(url) or any(ch.isspace() for ch in url):
        raise MaterialError(_("Only web links starting with http:// or https:// are accepted."))
    if not title:
        raise MaterialError(_("Give the link a title."))
    if len(title) > TITLE_MAX:
        raise MaterialError(
            _("The title is too long (at most %(max)d characters).") % {"max": TITLE_MAX}
        )
    if talk is not None and talk.event_id != event.pk:
        raise MaterialError(_("That talk is not part of this event."))


def _check_duplicate(event, url):
    if Material.objects.filter(event=event, url=url).exists():
        raise MaterialError(_("This link has already been shared for this event."))
    if Talk.objects.filter(event=event).filter(Q(slides_url=url) | Q(video_url=url)).exists():
        raise MaterialError(_("This link is already on the programme."))


def submit(event, *, user, kind, url, title, talk=None) -> Material:
    """Store a participant's link, waiting for approval. Raises MaterialError when refused."""
    url = normalise_url(url)
    title = " ".join((title or "").split())
    if not getattr(user, "is_authenticated", False):
        raise MaterialError(_("Log in to share a link."))
    if not event.is_public or event.is_cancelled:
        raise MaterialError(_("Links can only be shared for published events."))
    if not event.has_started:
        raise MaterialError(_("Links can be shared once the event has started."))
    if not may_submit(event, user):
        raise MaterialError(_("Only participants of this event can share links."))
    _check_fields(event, kind, url, title, talk)
    _check_rate(user)
    _check_duplicate(event, url)
    try:
        with transaction.atomic():
            material = Material.objects.create(
                event=event, talk=talk, kind=kind, url=url, title=title, submitted_by=user
            )
    except IntegrityError:  # the same link, submitted concurrently
        raise MaterialError(_("This link has already been shared for this event.")) from None
    _count_submission(user)
    log(event, user, "material.submitted", material, url=url, kind=kind)
    return material


def _check_moderator(material, by, allowed: dict):
    community_id = material.event.community_id
    if community_id not in allowed:
        allowed[community_id] = is_organiser_of(by, community_id)
    if not allowed[community_id]:
        raise MaterialError(_("Only the event's organisers can moderate its materials."))


def approve(materials, *, by) -> int:
    """Approve the given materials (a queryset or iterable). Returns how many were approved now."""
    now = timezone.now()
    allowed: dict = {}
    approved = 0
    with transaction.atomic():
        for material in _fresh(materials):
            _check_moderator(material, by, allowed)
            if material.approved:
                continue
            material.approved = True
            material.approved_by = by
            material.approved_at = now
            material.save(update_fields=["approved", "approved_by", "approved_at"])
            log(material.event, by, "material.approved", material, url=material.url)
            approved += 1
    return approved


def reject(materials, *, by) -> int:
    """Remove pending or approved materials. Returns how many were removed."""
    allowed: dict = {}
    removed = 0
    with transaction.atomic():
        for material in _fresh(materials):
            _check_moderator(material, by, allowed)
            log(material.event, by, "material.rejected", material, url=material.url)
            material.delete()
            removed += 1
    return removed


def _fresh(materials):
    """Re-read the rows, locked, with their events: the caller's objects may be stale."""
    ids = [m.pk for m in materials]
    return (
        Material.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(pk__in=ids)
        .order_by("pk")
    )
