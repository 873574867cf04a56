from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: helpers every app may use. It has no models and imports no app."""

    name = "core"
    verbose_name = _("Core")
