"""What the pages cached for signed-in people show, as fragment scopes (core/fragments.py).

- ``event:<pk>``: what the event's pages show of the event itself: its text, ticket types,
  questions, programme, materials, report;
- ``event:<pk>:registrations``: its figures, participants and waitlists, which move with every
  application (kept apart, so that what does not move with them stays kept in a burst);
- ``events``: the lists (home, events): titles, dates, figures of every event;
- ``site``: what any page may show of people and communities (names, logos).

Every registration change passes `allocation.lock_ticket_type`, which says so here; edits of
events, ticket types, talks, materials and reports (admin forms included) say so from their
app's `ready()`, for that app's own models; bulk writes say so where they are made.
"""

from django.utils import timezone

from core import fragments

SITE = fragments.SITE
EVENT_LISTS = "events"


def event(event_id) -> str:
    return f"event:{event_id}"


def registrations(event_id) -> str:
    return f"event:{event_id}:registrations"


def event_content(event_id) -> tuple[str, ...]:
    """What does not move with registrations: the event page but its participants and
    figures (`registrations`, kept apart), the report page, the blank forms."""
    return (SITE, event(event_id))


def event_lists() -> tuple[str, ...]:
    return (SITE, EVENT_LISTS)


def next_change(event, ticket_types, now=None):
    """The next moment the event's page changes with the clock alone: a ticket window opens or
    closes, self check-in opens, the event starts or ends."""
    from events.registration.checkin import SELF_CHECKIN_OPENS_BEFORE

    now = now or timezone.now()
    moments = [event.starts_at - SELF_CHECKIN_OPENS_BEFORE, event.starts_at, event.ends_at]
    for tt in ticket_types:
        moments += [tt.opens_at, tt.closes_at]
    return min((moment for moment in moments if moment and moment > now), default=None)


def event_changed(event_id) -> None:
    """The event itself changed (an edit): its pages and the lists."""
    fragments.changed(EVENT_LISTS, event(event_id))


def registrations_changed(event_id) -> None:
    """Someone applied, cancelled, moved up, was drawn or checked in."""
    fragments.changed(EVENT_LISTS, registrations(event_id))


def site_changed() -> None:
    fragments.changed(SITE)


def follow(model, event_id_of=None) -> None:
    """Saving or deleting a `model` changes the pages of the event `event_id_of(instance)`
    names, or with no function every page (what it shows of people and communities). For
    each app's `ready()`, about its own models."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, instance, **kwargs):
        if event_id_of is None:
            site_changed()
        elif (event_id := event_id_of(instance)) is not None:  # None: its parent is gone too
            event_changed(event_id)

    for signal in (post_save, post_delete):
        uid = f"page-versions-{model._meta.label}-{id(signal)}"
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
