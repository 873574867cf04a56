from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(using="default", **kwargs):
    """Keep the Sites framework's row (allauth's mail, the admin's "view on site") on
    MEETUP_SITE_URL and MEETUP_SITE_NAME instead of Django's example.com."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    from core.siteurl import site_domain, site_name

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": site_name()}
    )
    Site.objects.clear_cache()


class MeetupConfig(AppConfig):
    name = "meetup"
    verbose_name = "Meetup"

    def ready(self):
        from django.apps import apps

        from . import checks  # noqa: F401  (registers the deploy checks)

        # After every migrate, once the Sites framework made its default row (its signal,
        # not one of our apps').
        post_migrate.connect(
            sync_site, sender=apps.get_app_config("sites"), dispatch_uid="meetup.sync_site"
        )
