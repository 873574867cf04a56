"""Template tags through which the event page (a lower app) shows talks and materials."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def programme(context, event):
    """The event's programme. Filled in by the talks capability."""
    return ""


@register.simple_tag(takes_context=True)
def event_materials(context, event):
    """Materials and participants' reports of the event. Filled in by the talks capability."""
    return ""
