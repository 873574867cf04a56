"""The back office's AdminSite: Django's admin, with the organiser home as its index."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class BackOfficeSite(admin.AdminSite):
    site_header = _("Meetup back office")
    site_title = _("Meetup back office")
    index_title = _("Home")
    index_template = "admin/backoffice_home.html"

    def index(self, request, extra_context=None):
        from events.backoffice.home import home_context

        context = {**home_context(request), **(extra_context or {})}
        return super().index(request, context)
