"""`{% registration_state reg %}`: a registration's state as a badge, named by events.states."""

from django import template
from django.utils.html import format_html

from events import states

register = template.Library()


@register.simple_tag
def registration_state(registration, organiser=False):
    key = states.state_of(registration)
    position = registration.waitlist_position if key == "waitlisted" else None
    return format_html(
        '<span class="badge {}" data-state="{}">{}</span>',
        states.badge_class(key),
        key,
        states.label(key, organiser=organiser, position=position),
    )


@register.simple_tag
def registration_state_text(registration, organiser=False):
    key = states.state_of(registration)
    position = registration.waitlist_position if key == "waitlisted" else None
    return states.label(key, organiser=organiser, position=position)
