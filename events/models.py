"""Communities, events, ticket types and registrations.

Models hold fields, constraints and small derived properties. Every seat-changing write
lives in `events.registration.allocation` (and the draw in `events.registration.draw`), under the ticket type row lock.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.registration import lottery
from events.rendered_markdown import (
    COMMUNITY_DESCRIPTION_MAX,
    EVENT_DESCRIPTION_MAX,
    PLAIN_TEXT_MAX,
    StoresRenderedMarkdown,
)

# No 0/O, 1/I/L: receipts are read aloud and typed at the door.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 8


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def default_language() -> str:
    """Read when a row is made, so migrations do not freeze the settings of the machine that
    made them (DJANGO_TIME_ZONE, LANGUAGE_CODE)."""
    return settings.LANGUAGE_CODE


def default_time_zone() -> str:
    return settings.TIME_ZONE


def timezone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Community(StoresRenderedMarkdown, models.Model):
    markdown_fields = ("description",)

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    catch = models.CharField(_("catch line"), max_length=200, blank=True)
    description = models.TextField(
        _("description (Markdown)"), max_length=COMMUNITY_DESCRIPTION_MAX, blank=True
    )
    description_html = models.TextField(blank=True, editable=False)
    logo = models.ImageField(_("logo"), upload_to="communities/", blank=True)
    website_url = models.URLField(_("website"), max_length=300, blank=True)
    x_username = models.CharField(_("X (Twitter) username"), max_length=15, blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_communities",
        blank=True,
        verbose_name=_("organisers"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="communities",
        blank=True,
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:community_detail", args=[self.slug])


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    notify_new_events = models.BooleanField(_("e-mail me new events"), default=True)
    # The member's language when they joined: new-event mails are written in it.
    language = models.CharField(_("language"), max_length=10, default=default_language)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.community}"


class EventQuerySet(models.QuerySet):
    def published(self):
        """Visible to the public: published and cancelled (a cancelled event keeps its page)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class Event(StoresRenderedMarkdown, models.Model):
    markdown_fields = ("description",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="events", verbose_name=_("community")
    )
    number = models.PositiveIntegerField(
        _("number in series"), null=True, blank=True, help_text=_("23 for “#23”.")
    )
    title = models.CharField(_("title"), max_length=200)
    catch = models.CharField(_("catch line"), max_length=200, blank=True)
    description = models.TextField(
        _("description (Markdown)"), max_length=EVENT_DESCRIPTION_MAX, blank=True
    )
    description_html = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, choices=timezone_choices
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    online_url = models.URLField(_("online URL"), max_length=500, blank=True)
    hashtag = models.CharField(_("hashtag"), max_length=100, blank=True, help_text=_("Without #."))
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    checkin_code = models.CharField(
        _("self check-in code"),
        max_length=12,
        blank=True,
        help_text=_("Announce it in the room; attendees enter it on the event page."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_events",
        verbose_name=_("owner"),
    )
    # Imported from connpass (or another connpass API v2 server): keyed on the source's event
    # id, closed to applications here, with the source's historical figures kept as they were.
    import_source = models.CharField(_("imported from"), max_length=200, blank=True, editable=False)
    import_id = models.PositiveBigIntegerField(
        _("source event id"), null=True, blank=True, editable=False
    )
    import_url = models.URLField(_("source page"), max_length=500, blank=True, editable=False)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True, editable=False)
    imported_limit = models.PositiveIntegerField(
        _("capacity at the source"), null=True, blank=True, editable=False
    )
    imported_accepted = models.PositiveIntegerField(
        _("participants at the source"), null=True, blank=True, editable=False
    )
    imported_waiting = models.PositiveIntegerField(
        _("waiting at the source"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="event_number_unique_in_community"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=Q(import_id__isnull=False),
                name="event_import_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_starts"),
            models.Index(fields=["status", "updated_at"], name="event_status_updated"),
            # The API's three orders over public events: ordered index scans for a page.
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                condition=Q(status__in=["published", "cancelled"]),
                name="event_public_updated",
            ),
            models.Index(
                F("starts_at").desc(),
                F("id").desc(),
                condition=Q(status__in=["published", "cancelled"]),
                name="event_public_starts",
            ),
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                condition=Q(status__in=["published", "cancelled"]),
                name="event_public_created",
            ),
            # The upcoming list filters on the end time: a range scan, not the whole table.
            models.Index(
                F("ends_at"),
                condition=Q(status__in=["published", "cancelled"]),
                name="event_public_ends",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event_detail", args=[self.pk])

    @property
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def has_ended(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None


class TicketType(models.Model):
    """A connpass 参加枠: a pool of seats with one allocation method."""

    class Allocation(models.TextChoices):
        LOTTERY = "lottery", _("Lottery")
        FIRST_COME = "first_come", _("First come, first served")
        APPROVAL = "approval", _("Approval by organisers")

    class Weighting(models.TextChoices):
        NONE = "none", _("None: every entry has weight 1")
        HISTORY = "history", _("History: +1 per recent lost lottery, 1 after a no-show")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="ticket_types", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=PLAIN_TEXT_MAX, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    allocation = models.CharField(
        _("allocation"), max_length=12, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    lottery_at = models.DateTimeField(
        _("lottery time"), null=True, blank=True, help_text=_("Lottery types only.")
    )
    moveup_cutoff_at = models.DateTimeField(
        _("move-up cutoff"),
        null=True,
        blank=True,
        help_text=_("No move-ups from the waitlist after this time (nor after the event starts)."),
    )
    # The lottery (DESIGN.md, hmac-sha256-v1). The seed stays secret until the draw.
    seed = models.BinaryField(null=True, blank=True, editable=False)
    commitment = models.CharField(_("commitment"), max_length=64, blank=True, editable=False)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True, editable=False)
    entries_digest = models.CharField(
        _("entries digest"), max_length=64, blank=True, editable=False
    )
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)
    seats_at_draw = models.PositiveIntegerField(
        _("seats at draw"), null=True, blank=True, editable=False
    )
    weighting = models.CharField(
        _("weighting rule"), max_length=10, choices=Weighting.choices, default=Weighting.NONE
    )
    # Reconfirmation: accepted attendees confirm before the deadline or lose their seat.
    reconfirm_opens_at = models.DateTimeField(
        _("reconfirmation requested at"), null=True, blank=True
    )
    reconfirm_deadline_at = models.DateTimeField(
        _("reconfirmation deadline"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gte=F("opens_at")), name="ticket_type_window_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(allocation="lottery") | Q(lottery_at__isnull=False),
                name="lottery_type_has_lottery_time",
            ),
        ]

    def __str__(self):
        return f"{self.event} — {self.name}"

    def save(self, *args, **kwargs):
        # The commitment must exist from the moment a lottery type exists (DESIGN.md).
        if self.allocation == self.Allocation.LOTTERY and not self.seed:
            self.seed = lottery.new_seed()
            self.commitment = lottery.commitment(bytes(self.seed))
            self.committed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "seed",
                    "commitment",
                    "committed_at",
                }
        super().save(*args, **kwargs)

    @property
    def is_lottery(self) -> bool:
        return self.allocation == self.Allocation.LOTTERY

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None

    def window_state(self, now=None) -> str:
        """'before', 'open' or 'closed'."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "before"
        if now < self.closes_at:
            return "open"
        return "closed"

    @property
    def revealed_seed_hex(self) -> str | None:
        """The seed, only once drawn. Everything public goes through this."""
        return bytes(self.seed).hex() if self.is_drawn and self.seed else None


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
        REJECTED = "rejected", _("Rejected")

    class CancelReason(models.TextChoices):
        SELF = "self", _("Cancelled by the attendee")
        ORGANISER = "organiser", _("Cancelled by the organisers")
        MOVED = "moved", _("Moved to another ticket type")
        EXPIRED = "expired", _("Expired: not reconfirmed")

    LIVE_STATUSES = (Status.PENDING, Status.ACCEPTED, Status.WAITLISTED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("user"),
    )
    ticket_type = models.ForeignKey(
        TicketType,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("ticket type"),
    )
    # Denormalised from the ticket type so the database can enforce one live
    # registration per user per event.
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    receipt = models.CharField(
        _("receipt"),
        max_length=RECEIPT_LENGTH,
        unique=True,
        default=new_receipt_code,
        editable=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    waitlist_rank = models.PositiveIntegerField(
        _("waitlist order"),
        null=True,
        blank=True,
        help_text=_(
            "Arrival or draw order; the shown place counts only those still waiting ahead."
        ),
    )
    draw_rank = models.PositiveIntegerField(_("draw rank"), null=True, blank=True)
    lottery_weight = models.PositiveSmallIntegerField(_("lottery weight"), default=1)
    show_in_list = models.BooleanField(_("show me on the participant list"), default=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    # Why it was cancelled (who cancelled is `cancelled_by`); blank while live.
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=10, choices=CancelReason.choices, blank=True
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reconfirm_requested_at = models.DateTimeField(_("asked to reconfirm"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("reconfirmed"), null=True, blank=True)
    # The last status the attendee was e-mailed about: makes result mails idempotent.
    mailed_status = models.CharField(_("last status mailed"), max_length=10, blank=True)
    # The applicant's language when they applied: status mails are written in it.
    language = models.CharField(_("language"), max_length=10, default=default_language)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=Q(status__in=["pending", "accepted", "waitlisted"]),
                name="one_live_registration_per_user_per_event",
            ),
            models.UniqueConstraint(
                fields=["ticket_type", "waitlist_rank"],
                condition=Q(waitlist_rank__isnull=False),
                name="waitlist_rank_unique_in_ticket_type",
            ),
            models.UniqueConstraint(
                fields=["ticket_type", "draw_rank"],
                condition=Q(draw_rank__isnull=False),
                name="draw_rank_unique_in_ticket_type",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlist_rank__isnull=False),
                name="waitlisted_has_rank",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="accepted"),
                name="only_accepted_check_in",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket_type", "status"], name="registration_tt_status"),
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(fields=["user", "status"], name="registration_user_status"),
        ]

    def __str__(self):
        return f"{self.receipt} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("events:receipt", args=[self.receipt])

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @cached_property
    def waitlist_position(self) -> int | None:
        """1 + the number still waitlisted ahead in this ticket type (one query; cache it)."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Registration.objects.filter(
            ticket_type_id=self.ticket_type_id,
            status=self.Status.WAITLISTED,
            waitlist_rank__lt=self.waitlist_rank,
        ).count()
        return ahead + 1


class AuditLog(models.Model):
    """Who did what to which event, from the back office or a workflow."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    target = models.CharField(_("target"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class OutboxMail(models.Model):
    """One e-mail to one recipient, recorded in the transaction that decides to send it.

    `message` names what is said ("status:<registration>:<status>", "new_event:<event>",
    "message:<log entry>", "reconfirm:<registration>:<deadline>"); with the recipient it is
    unique, so deciding twice records once. The subject and bodies may be written later,
    by the task, just before sending (`params` holds what it needs). `events.outbox` sends
    the rows not yet sent and sets `sent_at` once the mail server accepted each one, so a
    retry sends exactly the ones that are missing.
    """

    message = models.CharField(_("message"), max_length=120)
    recipient = models.EmailField(_("recipient"), max_length=254)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "recipient"], name="outbox_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["message"], name="outbox_unsent", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.message} → {self.recipient}"


# -- Questionnaire (アンケート) ----------------------------------------------------------------

#: Limits on what an organiser asks and what an applicant answers.
QUESTION_TEXT_MAX = 300
OPTION_MAX = 100
OPTIONS_MAX = 20
SHORT_ANSWER_MAX = 200
LONG_ANSWER_MAX = 2000
#: Between an option's Japanese and English label, on one line of `Question.choices`.
OPTION_SEPARATOR = " | "
YES, NO = "yes", "no"


def option_label(raw: str, language: str | None = None) -> str:
    """One line of a question's options in `language` ("日本語 | English" gives either)."""
    from django.utils.translation import get_language

    ja, sep, en = raw.partition(OPTION_SEPARATOR.strip())
    ja, en = ja.strip(), en.strip()
    if not sep or not en:
        return ja
    if not ja:
        return en
    return ja if (language or get_language() or "").startswith("ja") else en


class QuestionQuerySet(models.QuerySet):
    def filter_for_ticket_type(self, ticket_type_id):
        """Questions asked to that ticket type's applicants: those limited to no ticket type
        and those limited to it."""
        limits = Question.ticket_types.through.objects.filter(question_id=models.OuterRef("pk"))
        return self.filter(
            ~models.Exists(limits) | models.Exists(limits.filter(tickettype_id=ticket_type_id))
        )


class Question(models.Model):
    """One question an event's organisers ask applicants. Answers are `Answer` rows."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short", _("Short text")
        LONG_TEXT = "long", _("Long text")
        ONE_CHOICE = "choice", _("One choice")
        SEVERAL_CHOICES = "choices", _("Several choices")
        YES_NO = "yesno", _("Yes or no")

    CHOICE_KINDS = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SHORT_TEXT)
    text_ja = models.CharField(_("question (Japanese)"), max_length=QUESTION_TEXT_MAX, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=QUESTION_TEXT_MAX, blank=True)
    choices = models.TextField(
        _("options"),
        blank=True,
        help_text=_(
            "Choice questions only: one option per line, “日本語 | English” for both languages."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    ticket_types = models.ManyToManyField(
        TicketType,
        related_name="questions",
        blank=True,
        verbose_name=_("only for these ticket types"),
        help_text=_("Leave empty to ask everyone."),
    )
    counts_for_party = models.BooleanField(
        _("party count"),
        default=False,
        help_text=_("Yes/no questions: the dashboard shows how many accepted people said yes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text_ja="") | ~Q(text_en=""), name="question_has_text"
            ),
        ]

    def __str__(self):
        return self.text()

    def text(self, language: str | None = None) -> str:
        """The question in `language` (default: the active one), else in the other language."""
        from django.utils.translation import get_language

        if (language or get_language() or "").startswith("ja"):
            return self.text_ja or self.text_en
        return self.text_en or self.text_ja

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def options(self) -> list[str]:
        """The options as the organiser wrote them, one raw line each (the stored value)."""
        if not self.is_choice:
            return []
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def max_length(self) -> int:
        return LONG_ANSWER_MAX if self.kind == self.Kind.LONG_TEXT else SHORT_ANSWER_MAX


class Answer(models.Model):
    """One applicant's answer to one question. Personal data: the person and the event's
    organisers see it, nothing public does, and it goes with the person's account."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    # The registration outlives a deleted account (anonymised); the answers must not.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(
        _("answer"), blank=True, help_text=_("Several choices: one option per line.")
    )
    # What the person answered, as they saw it: readable even after the question changes.
    question_text = models.CharField(_("question as answered"), max_length=QUESTION_TEXT_MAX)
    kind = models.CharField(_("kind as answered"), max_length=8, choices=Question.Kind.choices)
    options_text = models.TextField(_("options as answered"), blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question_text}: {self.display_value()}"

    @property
    def values(self) -> list[str]:
        return [line for line in self.value.splitlines() if line]

    def display_value(self, language: str | None = None, separator: str = ", ") -> str:
        """The answer in words: option labels in `language`, Yes/No translated."""
        if self.kind == Question.Kind.YES_NO:
            return str({YES: _("Yes"), NO: _("No")}.get(self.value, self.value))
        if self.kind in Question.CHOICE_KINDS:
            return separator.join(option_label(v, language) for v in self.values)
        return self.value
