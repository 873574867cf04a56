"""The organisers' back office lives in events/backoffice/; importing it registers the admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.backoffice import admin_events, admin_questions, admin_registrations  # noqa: F401

admin.site.site_header = _("Meetup back office")
admin.site.site_title = _("Meetup back office")
admin.site.index_title = _("Back office")
