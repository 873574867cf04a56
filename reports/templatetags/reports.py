"""Template tags through which lower apps' pages link to reports."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def report_link(context, event):
    """A link to the event's published report. Filled in by the reports capability."""
    return ""
