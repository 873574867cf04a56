"""``{% personal name %}…{% endpersonal %}``: a block that differs from one person to another.

It renders in place, like an inline ``{% partialdef %}``, and can be rendered alone as
``template.html#name``. In a skeleton (core/fragments.py) it leaves a marker instead, filled for
each person: whatever depends on who is looking (a name, a CSRF token, a registration) must be
inside one. ``{% personal name fresh %}`` is rendered on every request, never kept (the flash
messages, which are shown once). ``{% personal name shared %}`` is the same for everyone but
moves faster than the rest of the page (the participants of an event): it is kept for everyone
under the page's moving scopes, so the rest stays kept when it changes.
"""

from django import template
from django.template.base import PartialTemplate
from django.utils.safestring import mark_safe

from core.fragments import SKELETON, hole_marker

register = template.Library()


class PersonalNode(template.Node):
    def __init__(self, full_name, nodelist, kind):
        self.full_name = full_name
        self.nodelist = nodelist
        self.kind = kind

    def render(self, context):
        if context.get(SKELETON):
            return mark_safe(hole_marker(self.full_name, self.kind))
        return self.nodelist.render(context)


@register.tag
def personal(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[2:] not in ([], ["fresh"], ["shared"]):
        raise template.TemplateSyntaxError("usage: {% personal name [fresh|shared] %}")
    name, kind = bits[1], bits[2] if len(bits) == 3 else "personal"
    nodelist = parser.parse(("endpersonal",))
    parser.delete_first_token()
    partials = parser.extra_data.setdefault("partials", {})
    if name in partials:
        raise template.TemplateSyntaxError(f"'{name}' is already defined in this template")
    partials[name] = PartialTemplate(nodelist, parser.origin, name)
    return PersonalNode(f"{parser.origin.template_name}#{name}", nodelist, kind)
