"""The production settings plus one bare view on the same server (bench only)."""

from meetup.settings import *  # noqa: F403

ROOT_URLCONF = "bench.apply_urls"
