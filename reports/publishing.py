"""The report workflow: assemble a draft from the event, publish, unpublish, refresh the figures.

Views and the admin call these functions and only translate `ReportError` into a message.
"""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import images
from events import page_versions
from events.audit import log
from talks.models import Talk

from . import figures as figures_module
from .models import Report, TalkSummary


class ReportError(Exception):
    """A user-facing reason why a report change was refused."""


def draft_body() -> str:
    """The organiser's part of the draft: headings to fill in (the rest is assembled)."""
    return "\n\n".join(
        [
            "## " + _("The day"),
            _("How the evening went: the room, the questions, the mood."),
            "## " + _("Thanks"),
            _("Thank you to the speakers, the venue and everyone who came."),
        ]
    )


def _not_ended(event) -> ReportError:
    return ReportError(
        _("The event has not ended yet; write its report after %(end)s.")
        % {"end": timezone.localtime(event.ends_at, event.tzinfo).strftime("%Y-%m-%d %H:%M")}
    )


def create_draft(event, *, by) -> Report:
    """A draft report for an event that has ended, pre-filled: title, lead, figures, one
    summary per talk.

    The programme, the slides and the approved participants' materials are read live from the
    event on the report page; the figures are computed now and frozen again at publication.
    Two submissions at once make one draft: the other is refused as "already has a report"
    (the unique event of a report turns the race into that refusal, never into an error page).
    """
    if not event.has_ended:
        raise _not_ended(event)
    already = ReportError(_("This event already has a report."))
    if Report.objects.filter(event=event).exists():
        raise already
    try:
        with transaction.atomic():
            report = Report.objects.create(
                event=event,
                title=_("%(event)s report") % {"event": event.title},
                lead=event.catch,
                body=draft_body(),
                figures=figures_module.compute(event),
                figures_taken_at=timezone.now(),
                last_edited_by=by,
            )
            ensure_talk_summaries(report)
            log(event, by, "report.create_draft", report)
    except IntegrityError:
        if Report.objects.filter(event=event).exists():
            raise already from None
        raise
    return report


def ensure_talk_summaries(report) -> int:
    """A placeholder summary for every talk of the event that has none yet."""
    have = set(report.talk_summaries.values_list("talk_id", flat=True))
    missing = [
        TalkSummary(report=report, talk_id=talk_id)
        for talk_id in Talk.objects.filter(event_id=report.event_id)
        .order_by("position", "starts_at", "pk")
        .values_list("pk", flat=True)
        if talk_id not in have
    ]
    TalkSummary.objects.bulk_create(missing)
    page_versions.event_changed(report.event_id)  # bulk writes send no signal
    return len(missing)


def publish(report, *, by) -> Report:
    """Publish, freezing the figures. Refuses an event that has not ended and an empty title."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("event").get(pk=report.pk)
        if not report.event.has_ended:
            raise _not_ended(report.event)
        if not report.title.strip():
            raise ReportError(_("Give the report a title before publishing it."))
        now = timezone.now()
        report.figures = figures_module.compute(report.event)
        report.figures_taken_at = now
        report.status = Report.Status.PUBLISHED
        report.published_at = report.published_at or now
        report.last_edited_by = by
        report.save()
        log(report.event, by, "report.publish", report)
    return report


def unpublish(report, *, by) -> Report:
    """Back to draft: readers get a 404 again. The first publication date is kept."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("event").get(pk=report.pk)
        if not report.is_published:
            raise ReportError(_("This report is not published."))
        report.status = Report.Status.DRAFT
        report.last_edited_by = by
        report.save(update_fields=["status", "last_edited_by", "updated_at"])
        log(report.event, by, "report.unpublish", report)
    return report


def refresh_figures(report, *, by) -> Report:
    """Take the figures again (after late check-ins, say); adds summaries for new talks."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("event").get(pk=report.pk)
        report.figures = figures_module.compute(report.event)
        report.figures_taken_at = timezone.now()
        report.last_edited_by = by
        report.save(update_fields=["figures", "figures_taken_at", "last_edited_by", "updated_at"])
        ensure_talk_summaries(report)
        log(report.event, by, "report.refresh_figures", report)
    return report


PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_WIDTH = 1600


def prepare_photo(upload) -> ContentFile:
    """A gallery photo checked by its content, re-encoded at most 1600 px wide, without its
    EXIF data (camera, GPS position) and anything else but the pixels (core.images). SVG and
    anything Pillow does not read as JPEG, PNG or WebP is refused."""
    try:
        return images.prepare_image(
            upload, max_bytes=PHOTO_MAX_BYTES, max_width=PHOTO_MAX_WIDTH, default_name="photo"
        )
    except images.ImageRejected as exc:
        raise ReportError(images.rejection_message(exc, max_bytes=PHOTO_MAX_BYTES)) from None


def prepare_cover(upload) -> ContentFile:
    """Check an uploaded cover by its content, then re-encode it at most 1600 px wide.

    Re-encoding also drops EXIF data (camera, GPS) the organiser may not mean to publish
    (core.images, shared with the community logo and the event image).
    """
    try:
        return images.prepare_image(upload, default_name="cover")
    except images.ImageRejected as exc:
        raise ReportError(images.rejection_message(exc)) from None
