from django import template

from events.registration.checkin import self_checkin_open

register = template.Library()

register.simple_tag(self_checkin_open)
