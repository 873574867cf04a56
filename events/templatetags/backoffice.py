from django import template

register = template.Library()


@register.simple_tag
def self_checkin_open(event) -> bool:
    """Whether attendees may enter the event's check-in code now (during the event)."""
    from events.views_backoffice import self_checkin_open as is_open

    return is_open(event)
