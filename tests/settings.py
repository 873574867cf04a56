"""Test settings: the production settings, with what a test run must not touch."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_HTTPS", "0")

from meetup.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False
MEETUP_RATE_LIMITS = False  # the rate limit tests turn them on

# Race tests open many connections from threads; a per-process pool would serialise them.
DATABASES["default"]["OPTIONS"].pop("pool", None)  # noqa: F405
# A busy CI machine may take longer than production's statement timeout to drop the test
# database; keep the lock timeout, which the "busy, try again" tests rely on.
if "options" in DATABASES["default"]["OPTIONS"]:  # noqa: F405
    DATABASES["default"]["OPTIONS"]["options"] = "-c lock_timeout=5000"  # noqa: F405

# Tests see every page fresh; the anonymous page cache has its own tests.
MEETUP_ANONYMOUS_CACHE_SECONDS = 0

# Assertions read English; the Japanese default is tested where it matters by setting it back.
LANGUAGE_CODE = "en"

# Links are made from the request (or http://127.0.0.1:8000) unless a test sets a site URL, and
# the client address is the peer's, whatever the developer's environment says.
MEETUP_SITE_URL = ""
MEETUP_SITE_NAME = "Meetup"
MEETUP_TRUSTED_PROXIES = []
