from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = _("Talks")

    def ready(self):
        # This app's own models, shown on the event pages kept for signed-in people.
        from events import page_versions

        from .models import Material, Speaker, Talk, TalkSpeaker

        page_versions.follow(Talk, lambda talk: talk.event_id)
        page_versions.follow(Material, lambda material: material.event_id)
        # By id: in a cascade the talk row may already be gone (its own delete says so).
        talks = Talk.objects.values_list("event_id", flat=True)
        page_versions.follow(TalkSpeaker, lambda link: talks.filter(pk=link.talk_id).first())
        page_versions.follow(Speaker)  # a speaker's name shows on every event they spoke at
