"""{% load activity %}{{ entry|in_words }}: an AuditLog row as a sentence (events.backoffice.activity)."""

from django import template

from events.backoffice.activity import describe

register = template.Library()


@register.filter
def in_words(entry) -> str:
    return describe(entry)
