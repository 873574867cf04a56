"""What a person's public profile (an accounts page) shows from events: their events and their
communities. Only what is already public: published or cancelled events where the person is
on the participant list, and communities they organise or joined."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Community, Event, Registration

register = template.Library()

#: Events shown per section; the rest are in the API (/api/v2/users/<nickname>/attended_events/).
LIMIT = 20


@register.simple_tag(takes_context=True)
def profile_events(context, person):
    """Events the person attended or will attend, where they appear on the participant list."""
    events = list(
        Event.objects.published()
        .filter(
            registrations__user=person,
            registrations__status=Registration.Status.ACCEPTED,
            registrations__show_in_list=True,
        )
        .select_related("community")
        .order_by("-starts_at", "-pk")[: LIMIT * 2]
    )
    now = timezone.now()
    upcoming = [event for event in events if event.ends_at > now][::-1][:LIMIT]
    attended = [event for event in events if event.ends_at <= now][:LIMIT]
    sections = [
        {"key": "upcoming", "title": _("Will attend"), "events": upcoming},
        {"key": "attended", "title": _("Attended"), "events": attended},
    ]
    sections = [section for section in sections if section["events"]]
    return render_to_string(
        "events/profile/events.html", {"sections": sections}, request=context.get("request")
    )


@register.simple_tag(takes_context=True)
def profile_communities(context, person):
    """Communities the person organises, then those they joined."""
    organised = list(Community.objects.filter(organisers=person).order_by("name"))
    joined = list(
        Community.objects.filter(memberships__user=person)
        .exclude(pk__in=[community.pk for community in organised])
        .order_by("name")
    )
    if not organised and not joined:
        return ""
    return render_to_string(
        "events/profile/communities.html",
        {"organised": organised, "joined": joined},
        request=context.get("request"),
    )
