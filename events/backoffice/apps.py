"""The admin app with the back office's own site (its index is the organiser home)."""

from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    default_site = "events.backoffice.site.BackOfficeSite"
