"""API keys: created and revoked here; only a SHA-256 hash of a key is ever stored.

A key is shown once, when it is made. It looks like ``mk_<43 url-safe characters>``; its
first characters are kept as a prefix so people can tell their keys apart.
"""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from accounts.models import ApiKey

KEY_PREFIX = "mk_"
MAX_KEY_LENGTH = 100
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(user, name: str) -> tuple[ApiKey, str]:
    """Make a key for the user. Returns the row and the raw key (shown once, never stored)."""
    raw_key = new_raw_key()
    api_key = ApiKey.objects.create(
        user=user,
        name=name[:60],
        prefix=raw_key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8],
        key_hash=hash_key(raw_key),
    )
    return api_key, raw_key


def revoke_key(api_key: ApiKey, *, now=None) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = now or timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def authenticate(raw_key: str | None) -> ApiKey | None:
    """The active key for a raw key, or None. Notes the use at most once a minute."""
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH:
        return None
    api_key = (
        ApiKey.objects.select_related("user")
        .filter(key_hash=hash_key(raw_key.strip()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
