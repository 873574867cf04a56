from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # This app's own models, shown on the pages kept for signed-in people. Registrations
        # say it from allocation.lock_ticket_type, which every seat change passes.
        from django.db.models.signals import m2m_changed

        from . import page_versions
        from .models import Community, Event, Question, TicketType

        page_versions.follow(Event, lambda event: event.pk)
        page_versions.follow(TicketType, lambda ticket_type: ticket_type.event_id)
        page_versions.follow(Question, lambda question: question.event_id)  # the apply form
        page_versions.follow(Community)

        def question_limited(sender, instance, action, **kwargs):
            if action.startswith("post_") and isinstance(instance, Question):
                page_versions.event_changed(instance.event_id)

        m2m_changed.connect(
            question_limited,
            sender=Question.ticket_types.through,
            weak=False,
            dispatch_uid="page-versions-question-ticket-types",
        )
