"""The programme of an event (talks and their speakers) and the links people share about it."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.rendered_markdown import PLAIN_TEXT_MAX, TALK_ABSTRACT_MAX, StoresRenderedMarkdown

http_url_validator = URLValidator(schemes=["http", "https"])


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=100)
    affiliation = models.CharField(_("affiliation"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_profiles",
        verbose_name=_("account"),
        # Set only when the person accepts an invitation (talks/speaker_links.py).
        editable=False,
    )
    invited_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_invitations",
        verbose_name=_("invited account"),
        editable=False,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
        editable=False,
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)
    profile_url = models.URLField(
        _("profile URL"), max_length=300, blank=True, validators=[http_url_validator]
    )
    x_username = models.CharField(_("X (Twitter) username"), max_length=15, blank=True)
    bio = models.TextField(_("bio"), max_length=PLAIN_TEXT_MAX, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    def get_absolute_url(self):
        return reverse("talks:speaker_detail", args=[self.pk])


class Talk(StoresRenderedMarkdown, models.Model):
    markdown_fields = ("abstract",)

    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        SESSION = "session", _("Session")
        LIGHTNING = "lightning", _("Lightning talk")

    class Language(models.TextChoices):
        JAPANESE = "ja", _("Japanese")
        ENGLISH = "en", _("English")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="talks", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SESSION)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    abstract = models.TextField(_("abstract (Markdown)"), max_length=TALK_ABSTRACT_MAX, blank=True)
    abstract_html = models.TextField(blank=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    slides_url = models.URLField(
        _("slides URL"), max_length=500, blank=True, validators=[http_url_validator]
    )
    video_url = models.URLField(
        _("video URL"), max_length=500, blank=True, validators=[http_url_validator]
    )
    speakers = models.ManyToManyField(
        Speaker, through="TalkSpeaker", related_name="talks", blank=True, verbose_name=_("speakers")
    )
    # An imported talk's key within its event: the source presentation's id when the source
    # gives one, else a digest of its title and presenter (connpass API v2 gives no id).
    import_key = models.CharField(_("import key"), max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["event", "position", "starts_at", "pk"]
        indexes = [models.Index(fields=["event", "position"], name="talk_event_position")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "import_key"],
                condition=~models.Q(import_key=""),
                name="talk_import_unique",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("talks:talk_detail", args=[self.event_id, self.pk])


class TalkSpeaker(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="talk_speakers")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="talk_speakers")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker of a talk")
        verbose_name_plural = _("speakers of the talk")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talk_speaker_unique"),
        ]

    def __str__(self):
        return f"{self.speaker} — {self.talk}"


class Material(models.Model):
    """A link about an event or talk, shown once an organiser approves it."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        VIDEO = "video", _("Video")
        BLOG = "blog", _("Blog post")
        PHOTOS = "photos", _("Photos")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event")
    )
    talk = models.ForeignKey(
        Talk,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("talk"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=500, validators=[http_url_validator])
    title = models.CharField(_("title"), max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_materials",
        verbose_name=_("submitted by"),
    )
    approved = models.BooleanField(_("approved"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "url"], name="material_url_unique_in_event"),
        ]
        indexes = [
            models.Index(
                fields=["event", "created_at"],
                condition=Q(approved=True),
                name="material_approved_by_event",
            ),
        ]

    def __str__(self):
        return self.title
