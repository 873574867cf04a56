from django.apps import AppConfig


class MeetupConfig(AppConfig):
    name = "meetup"
    verbose_name = "Meetup"
