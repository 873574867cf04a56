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

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        from events.backoffice.scope import OrganiserScopedAdmin

        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            model_admin = self._registry.get(model)  # None for a swapped model
            if model_admin is not None and not isinstance(model_admin, OrganiserScopedAdmin):
                # The stock admins (users, sites, tasks, e-mail addresses) are for superusers;
                # organisers work through the scoped ones. Asking an organiser's Django
                # permissions for them would cost two queries on every back-office page.
                model_admin.has_module_permission = _superusers_only


def _superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser
