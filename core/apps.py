from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: no models, only helpers every app may use."""

    name = "core"
    verbose_name = "Core"
