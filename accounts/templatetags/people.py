"""People on public pages: `{% avatar name %}` draws a placeholder with the name's initials.

No upload and no request: the colour comes from a stable hash of the name (one of eight
classes in site.css, since the CSP forbids inline styles).
"""

import hashlib

from django import template
from django.utils.html import format_html

register = template.Library()

PALETTE_SIZE = 8


def initials(name: str) -> str:
    """ "Laure Vergeron" -> "LV"; "濱田 花子" -> "濱"; "docker_taro" -> "D"."""
    words = str(name or "").split()
    if not words:
        return "?"
    first = words[0][0]
    if not first.isascii():  # Japanese and other scripts: the first character says enough
        return first
    second = words[1][0] if len(words) > 1 and words[1][0].isascii() else ""
    return (first + second).upper()


def palette_index(name: str) -> int:
    return hashlib.sha256(str(name or "").encode()).digest()[0] % PALETTE_SIZE


@register.simple_tag
def avatar(name, size="small"):
    return format_html(
        '<span class="avatar avatar-{} avatar-{}" aria-hidden="true">{}</span>',
        size,
        palette_index(name),
        initials(name),
    )
