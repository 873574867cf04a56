"""The organisers' back office lives in events/backoffice/; importing it registers the admins."""

from events.backoffice import admin_events, admin_questions, admin_registrations  # noqa: F401

# The site itself (header, title, the organiser home as its index) is
# events.backoffice.site.BackOfficeSite, installed by events.backoffice.apps.
