"""The post-event report: written by organisers, assembled from the event and its talks."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.rendered_markdown import REPORT_BODY_MAX, TALK_SUMMARY_MAX, StoresRenderedMarkdown
from talks.models import Talk


class Report(StoresRenderedMarkdown, models.Model):
    markdown_fields = ("body",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead"), max_length=1000, blank=True)
    lead_en = models.TextField(_("English lead"), max_length=1000, blank=True)
    body = models.TextField(_("body (Markdown)"), max_length=REPORT_BODY_MAX, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    cover = models.ImageField(_("cover image"), upload_to="reports/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Figures frozen at publication, so later cancellations don't change a published report.
    figures = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    figures_taken_at = models.DateTimeField(
        _("figures taken at"), null=True, blank=True, editable=False
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"], name="report_status_published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.event_id])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TalkSummary(StoresRenderedMarkdown, models.Model):
    markdown_fields = ("summary",)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="talk_summaries")
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="summaries")
    summary = models.TextField(_("summary (Markdown)"), max_length=TALK_SUMMARY_MAX, blank=True)
    summary_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("talk summary")
        verbose_name_plural = _("talk summaries")
        constraints = [
            models.UniqueConstraint(fields=["report", "talk"], name="talk_summary_unique"),
        ]

    def __str__(self):
        return str(self.talk)


class ReportPhoto(models.Model):
    """A photo of the day in the report's gallery: re-encoded on upload (reports.publishing),
    so it carries no location data; the alt text is required for readers who cannot see it."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = models.ImageField(_("photo"), upload_to="reports/photos/")
    alt_text = models.CharField(
        _("description (alt text)"),
        max_length=300,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text
