from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # This app's own models, shown on the pages kept for signed-in people. Registrations
        # say it from allocation.lock_ticket_type, which every seat change passes.
        from . import page_versions
        from .models import Community, Event, TicketType

        page_versions.follow(Event, lambda event: event.pk)
        page_versions.follow(TicketType, lambda ticket_type: ticket_type.event_id)
        page_versions.follow(Community)
