"""When someone proves they own an account, the secrets made before that proof stop working.

Someone may sign up first with another person's address; when the real owner resets the
password or confirms the address, whatever the first person set up must not keep working:
the private calendar address, the API keys and every other session. Connected to allauth's own
signals (``password_reset``, ``email_confirmed``) in ``AccountsConfig.ready``.
"""

import secrets

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import auth
from .models import ApiKey, User


def revoke_secrets(user: User, *, request=None) -> bool:
    """Turn off the calendar address, revoke the API keys and end every session but the
    request's own. Returns whether a calendar address or an API key was revoked."""
    # Resolve the request's (lazy) user first: loaded after the new stamp is written, its
    # session hash would no longer match and Django would end this session too.
    request_user = getattr(request, "user", None)
    same_person = bool(
        request_user is not None and request_user.is_authenticated and request_user.pk == user.pk
    )
    stamp = secrets.token_hex(16)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        had_calendar = bool(locked.calendar_token)
        User.objects.filter(pk=user.pk).update(calendar_token="", session_stamp=stamp)
        revoked_keys = ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    auth.forget(user.pk)  # a bulk update sends no signal: the cached copy holds the old stamp
    # The caller's objects too: allauth signs in with them right after (a stale stamp would
    # store the old session hash and sign the owner out on the next request).
    for owner in [user, request_user] if same_person else [user]:
        owner.calendar_token, owner.session_stamp = "", stamp
    if same_person:
        update_session_auth_hash(request, request_user)  # this session is the owner's: keep it
    revoked = had_calendar or bool(revoked_keys)
    if revoked and request is not None and hasattr(request, "_messages"):
        messages.warning(
            request,
            _(
                "To protect your account, your private calendar address and API keys were "
                "turned off and other sessions were signed out. Create new ones if you need them."
            ),
        )
    return revoked


def on_password_reset(sender, request, user, **kwargs):
    revoke_secrets(user, request=request)


def on_email_confirmed(sender, request, email_address, **kwargs):
    revoke_secrets(email_address.user, request=request)
