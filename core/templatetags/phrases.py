"""`{{ text|phrases }}`: Japanese headings and buttons that break between phrases, not inside words.

Chromium breaks Japanese at phrase boundaries itself with `word-break: auto-phrase` (site.css);
other browsers get the boundaries from BudouX, marked with `<wbr>` inside a `keep-all` span.
BudouX's own HTML output carries an inline style, which the CSP blocks, so the markup is built
here from its phrases.
"""

import re
from functools import cache

import budoux
from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Hiragana, katakana and the CJK ideographs: text without them is left as it is.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@cache
def _parser():
    return budoux.load_default_japanese_parser()


@register.filter(is_safe=True)
def phrases(text):
    """The text, escaped, with `<wbr>` between Japanese phrases (unchanged if not Japanese)."""
    text = str(text)
    if not _JAPANESE.search(text):
        return conditional_escape(text)
    inner = mark_safe("<wbr>".join(conditional_escape(part) for part in _parser().parse(text)))
    return format_html('<span class="phrases">{}</span>', inner)
