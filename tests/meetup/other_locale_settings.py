"""Settings of a site in another language (the time zone comes from DJANGO_TIME_ZONE)."""

from tests.settings import *  # noqa: F403

LANGUAGE_CODE = "en"
