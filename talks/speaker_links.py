"""Linking a speaker to a person's account, only with that person's consent.

An organiser may invite an account to a speaker entry; nothing is attributed until the person
accepts from their own profile. The person can decline the invitation, and unlink an accepted
speaker entry at any time. Every change goes through these functions (the back office and the
profile page call them); the acting user is a keyword argument.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Speaker


class SpeakerLinkError(Exception):
    """A user-facing reason why a speaker link change was refused."""


def _lock(speaker) -> Speaker:
    return Speaker.objects.select_for_update().get(pk=speaker.pk)


def invite(speaker, user, *, by) -> Speaker:
    """Invite `user` to confirm they are this speaker. Mails them once the invitation is saved."""
    from .tasks import send_speaker_invitation

    with transaction.atomic():
        speaker = _lock(speaker)
        if speaker.user_id == user.pk:
            raise SpeakerLinkError(_("This account is already linked to the speaker."))
        if speaker.user_id is not None:
            raise SpeakerLinkError(
                _("Another account is linked to this speaker; it must unlink first.")
            )
        speaker.invited_user = user
        speaker.invited_by = by
        speaker.invited_at = timezone.now()
        speaker.save(update_fields=["invited_user", "invited_by", "invited_at"])
        language = translation.get_language()
        transaction.on_commit(partial(send_speaker_invitation.enqueue, speaker.pk, language))
    return speaker


def accept(speaker, *, user) -> Speaker:
    with transaction.atomic():
        speaker = _lock(speaker)
        if speaker.invited_user_id != user.pk:
            raise SpeakerLinkError(_("This invitation is not yours, or it was withdrawn."))
        speaker.user = user
        speaker.invited_user = None
        speaker.invited_by = None
        speaker.invited_at = None
        speaker.save(update_fields=["user", "invited_user", "invited_by", "invited_at"])
    return speaker


def decline(speaker, *, user) -> Speaker:
    with transaction.atomic():
        speaker = _lock(speaker)
        if speaker.invited_user_id != user.pk:
            raise SpeakerLinkError(_("This invitation is not yours, or it was withdrawn."))
        speaker.invited_user = None
        speaker.invited_by = None
        speaker.invited_at = None
        speaker.save(update_fields=["invited_user", "invited_by", "invited_at"])
    return speaker


def unlink(speaker, *, user) -> Speaker:
    with transaction.atomic():
        speaker = _lock(speaker)
        if speaker.user_id != user.pk:
            raise SpeakerLinkError(_("This speaker is not linked to your account."))
        speaker.user = None
        speaker.save(update_fields=["user"])
    return speaker
