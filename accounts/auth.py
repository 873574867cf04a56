"""Signed-in requests read their user from the cache, not the database.

Every signed-in request loads its user; from PostgreSQL that was a query (about 0.6 ms) on
every page, more than the rest of a cached page. The copy is dropped whenever the user row
changes: on save and delete (``AccountsConfig.ready``) and where a row is updated in bulk
(``accounts.security``), at once and again after the commit, so a copy read before the commit
does not outlive it. USER_CACHE_SECONDS bounds any other path.
"""

import logging

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from core import fragments

USER_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


def _key(user_id) -> str:
    return f"auth-user:{user_id}"


def _drop(user_id) -> None:
    try:
        cache.delete(_key(user_id))
    except Exception:  # the cache is away: the copy goes with it, or expires
        logger.error("user cache unavailable: a changed user may stay cached", exc_info=True)


def forget(user_id) -> None:
    """Drop the cached copy now and once more after the current transaction commits."""
    _drop(user_id)
    transaction.on_commit(lambda: _drop(user_id))


class CachedUserMixin:
    def get_user(self, user_id):
        key = _key(user_id)
        try:
            user = cache.get(key)
        except Exception:  # the cache is away: the database, as without it
            logger.warning("user cache unavailable", exc_info=True)
            return super().get_user(user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                try:
                    cache.set(key, user, USER_CACHE_SECONDS)
                except Exception:
                    logger.warning("user cache unavailable", exc_info=True)
        return user if user is not None and self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    """Django's ModelBackend, with the user read from the cache."""


class CachedAllauthBackend(CachedUserMixin, AllauthBackend):
    """allauth's backend (e-mail logins), with the user read from the cache."""


#: What pages show of a person: a change is seen on every page kept for signed-in people.
SHOWN_FIELDS = {"display_name", "nickname", "profile_hidden"}


def on_user_changed(sender, instance, update_fields=None, created=False, **kwargs):
    forget(instance.pk)
    # A new account is on no page yet: sign-ups during a rush must not renew every page.
    if not created and (update_fields is None or SHOWN_FIELDS & set(update_fields)):
        fragments.changed(fragments.SITE, fragments.user_scope(instance.pk))


def on_email_address_changed(sender, instance, **kwargs):
    """A confirmed (or removed) address changes what the event pages offer this person."""
    fragments.changed(fragments.user_scope(instance.user_id))
