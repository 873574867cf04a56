"""An import run started from the back office: what it imports and how far it got."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Community

from .client import DEFAULT_BASE_URL


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    subdomain = models.SlugField(
        _("connpass group"), max_length=100, help_text=_("The group's subdomain on connpass.")
    )
    base_url = models.URLField(_("API base URL"), max_length=300, default=DEFAULT_BASE_URL)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    events_total = models.PositiveIntegerField(_("events at the source"), default=0)
    events_done = models.PositiveIntegerField(_("events imported"), default=0)
    talks_done = models.PositiveIntegerField(_("talks imported"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import from connpass")
        verbose_name_plural = _("imports from connpass")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subdomain} → {self.community}"

    def get_absolute_url(self):
        return reverse("admin:imports_importrun_progress", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.events_total:
            return 0
        return min(99, self.events_done * 100 // self.events_total)
