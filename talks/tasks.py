"""Background mail for talks (django.tasks), enqueued on commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from events.tasks import site_url

from .models import Speaker


@task
def send_speaker_invitation(speaker_id: int, language: str) -> bool:
    """Tell the invited person, who confirms or declines on their profile page."""
    speaker = Speaker.objects.select_related("invited_user", "invited_by").filter(pk=speaker_id)
    speaker = speaker.first()
    if speaker is None or speaker.invited_user is None or not speaker.invited_user.email:
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Are you the speaker %(name)s?") % {"name": speaker.name}
        body = _(
            "An organiser asked to link the speaker “%(name)s” to your account.\n\n"
            "Nothing is shown on your profile until you accept. If this is not you, decline.\n"
            "You can unlink it later at any time.\n\n%(url)s\n"
        ) % {"name": speaker.name, "url": site_url(reverse("accounts:profile"))}
    EmailMessage(subject, body, to=[speaker.invited_user.email]).send()
    return True
