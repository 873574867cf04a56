"""The organisers' side of reports: create a draft from an event, edit, preview, publish.

Every state change goes through `reports.publishing`; this module only translates
`ReportError` into messages and form errors.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.backoffice.scope import (
    OrganiserScopedAdmin,
    event_for_organiser_or_404,
    is_organiser_of,
    organised_communities,
)
from events.models import Event
from talks.models import Material, Talk
from talks.providers import is_http_url

from . import figures as figures_module
from . import publishing
from .models import Report, ReportPhoto, TalkSummary
from .templatetags.reports import percent


class ReportAdminForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "lead", "lead_en", "cover", "body"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "lead": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "lead_en": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "body": forms.Textarea(attrs={"rows": 18, "class": "vLargeTextField"}),
        }
        help_texts = {
            "cover": gettext_lazy("JPEG, PNG or WebP, at most 5 MB; resized to 1600 px wide."),
            "body": gettext_lazy("Markdown. Raw HTML, scripts and iframes are removed."),
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the report a title."))
        return title

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if isinstance(cover, UploadedFile):
            try:
                return publishing.prepare_cover(cover)
            except publishing.ReportError as exc:
                raise ValidationError(str(exc)) from None
        return cover


def _human_time(value, event) -> str:
    return date_format(timezone.localtime(value, event.tzinfo), "DATETIME_FORMAT")


def _web_link(url, text):
    """A link only for http(s) addresses: a stored javascript: URL shows as plain text."""
    if is_http_url(url or ""):
        return format_html('<a href="{}" rel="noopener">{}</a>', url, text)
    return format_html("{} <code>{}</code>", text, url)


class ReportCreateForm(forms.Form):
    event = forms.ModelChoiceField(
        label=gettext_lazy("Event"),
        queryset=Event.objects.none(),
        help_text=gettext_lazy(
            "Only your communities' events that have ended and have no report yet. The draft is assembled from the "
            "event: figures, programme, speakers, slides and participants' materials."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (
            Event.objects.filter(
                community__in=organised_communities(user),
                report__isnull=True,
                ends_at__lte=timezone.now(),
            )
            .select_related("community")
            .order_by("-starts_at", "-pk")
        )


class ReportPhotoForm(forms.ModelForm):
    class Meta:
        model = ReportPhoto
        fields = ["position", "image", "alt_text", "caption"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            try:
                return publishing.prepare_photo(image)
            except publishing.ReportError as exc:
                raise ValidationError(str(exc)) from None
        return image


class ReportInlineAccess:
    """An inline of the report page: the report's organisers may see and change its rows (the
    parent admin has already scoped the report to the organiser's communities)."""

    def _may(self, request, obj):
        if obj is None:
            return request.user.is_staff
        return is_organiser_of(request.user, obj.event.community_id)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)


class ReportPhotoInline(ReportInlineAccess, admin.TabularInline):
    """The gallery, uploaded from the report editor, in the order of the numbers."""

    model = ReportPhoto
    form = ReportPhotoForm
    extra = 1
    fields = ["position", "thumbnail", "image", "alt_text", "caption"]
    readonly_fields = ["thumbnail"]
    verbose_name_plural = gettext_lazy(
        "Photo gallery (JPEG, PNG or WebP; resized, location data removed)"
    )

    @admin.display(description=gettext_lazy("preview"))
    def thumbnail(self, obj):
        if not obj.pk or not obj.image:
            return "—"
        return format_html('<img src="{}" alt="{}" class="bo-thumb">', obj.image.url, obj.alt_text)


class TalkSummaryInline(ReportInlineAccess, admin.StackedInline):
    model = TalkSummary
    fields = ["talk_speakers", "summary"]
    readonly_fields = ["talk_speakers"]
    extra = 0
    can_delete = False
    verbose_name = gettext_lazy("talk summary")
    verbose_name_plural = gettext_lazy("Talk summaries (one per talk, Markdown)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("talk")
            .prefetch_related("talk__speakers")
            .order_by("talk__position", "talk__starts_at", "talk__pk")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("speakers"))
    def talk_speakers(self, obj):
        return ", ".join(str(s) for s in obj.talk.speakers.all()) or "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(OrganiserScopedAdmin):
    community_lookup = "event__community"
    form = ReportAdminForm
    inlines = [ReportPhotoInline, TalkSummaryInline]
    list_display = ["title", "event", "status_badge", "published_at", "updated_at"]
    # Only the organiser's communities: the filter must not name every community on the site.
    list_filter = ["status", ("event__community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event__community"]
    search_fields = ["title", "event__title"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected", "refresh_selected"]
    readonly_fields = [
        "event_link",
        "status_badge",
        "published_at",
        "last_edited_by",
        "preview_link",
        "figures_table",
        "figures_taken_at",
        "programme_overview",
        "materials_overview",
    ]
    fieldsets = [
        (None, {"fields": ["event_link", "title", "lead", "lead_en", "cover", "body"]}),
        (
            gettext_lazy("Publication"),
            {"fields": ["status_badge", "published_at", "last_edited_by", "preview_link"]},
        ),
        (
            gettext_lazy("Figures (computed from registrations; frozen when published)"),
            {"fields": ["figures_table", "figures_taken_at"]},
        ),
        (
            gettext_lazy("Assembled from the event"),
            {"fields": ["programme_overview", "materials_overview"]},
        ),
    ]

    # -- URLs: the add page picks an event; create/<event id>/ is linkable from the event.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "create/<int:event_id>/",
                self.admin_site.admin_view(self.create_view),
                name="{}_{}_create".format(*info),
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return self.create_view(request, event_id=None)

    def create_view(self, request, event_id=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if event_id is not None:
            # Another community's event: 404, never a hint that it exists.
            event_for_organiser_or_404(request.user, event_id)
        initial = {"event": event_id} if event_id else {}
        form = ReportCreateForm(request.POST or None, user=request.user, initial=initial)
        if event_id:
            existing = Report.objects.filter(event_id=event_id).first()
            if existing is not None and self.has_change_permission(request, existing):
                messages.info(request, _("This event already has a report."))
                return redirect("admin:reports_report_change", existing.pk)
        if request.method == "POST" and form.is_valid():
            try:
                report = publishing.create_draft(form.cleaned_data["event"], by=request.user)
            except publishing.ReportError as exc:
                existing = Report.objects.filter(event=form.cleaned_data["event"]).first()
                if existing is not None and self.has_change_permission(request, existing):
                    # A double submission: the first one made the draft; open it.
                    messages.info(request, str(exc))
                    return redirect("admin:reports_report_change", existing.pk)
                form.add_error("event", str(exc))
            else:
                messages.success(
                    request,
                    _("Draft created from the event. Edit it, preview it, then publish it."),
                )
                return redirect("admin:reports_report_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Create a report"),
            "form": form,
            "has_events": form.fields["event"].queryset.exists(),
        }
        return TemplateResponse(request, "admin/reports/report/create.html", context)

    # -- Saving and the extra buttons under the form.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        steps = {
            "_publish": (publishing.publish, _("Published. Readers can now see the report.")),
            "_unpublish": (publishing.unpublish, _("Unpublished. The report is a draft again.")),
            "_refresh_figures": (publishing.refresh_figures, _("Figures refreshed.")),
        }
        for name, (step, done) in steps.items():
            if name in request.POST:
                try:
                    step(obj, by=request.user)
                except publishing.ReportError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, done)
                return HttpResponseRedirect(request.path)
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("reports:report_preview", args=[obj.event_id]))
        return super().response_change(request, obj)

    def view_on_site(self, obj):
        name = "reports:report_detail" if obj.is_published else "reports:report_preview"
        return reverse(name, args=[obj.event_id])

    # -- Actions for many reports at once.
    def _run(self, request, queryset, step, done):
        count = 0
        for report in queryset:
            try:
                step(report, by=request.user)
            except publishing.ReportError as exc:
                self.message_user(request, f"{report}: {exc}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publish selected reports"))
    def publish_selected(self, request, queryset):
        self._run(request, queryset, publishing.publish, _("Published %(count)d report(s)."))

    @admin.action(description=gettext_lazy("Unpublish selected reports"))
    def unpublish_selected(self, request, queryset):
        self._run(request, queryset, publishing.unpublish, _("Unpublished %(count)d report(s)."))

    @admin.action(description=gettext_lazy("Refresh the figures of selected reports"))
    def refresh_selected(self, request, queryset):
        self._run(
            request, queryset, publishing.refresh_figures, _("Refreshed %(count)d report(s).")
        )

    # -- Read-only displays.
    @admin.display(description=gettext_lazy("event"))
    def event_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.event.get_absolute_url(), obj.event)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("preview"))
    def preview_link(self, obj):
        url = reverse("reports:report_preview", args=[obj.event_id])
        return format_html('<a href="{}">{}</a>', url, _("Preview as readers will see it"))

    @admin.display(description=gettext_lazy("figures"))
    def figures_table(self, obj):
        f = obj.figures or {}
        if not f:
            return _("Not taken yet.")
        drawn = figures_module.drawn_at(f)
        per_seat = f.get("applicants_per_seat")
        rows = [
            (_("Seats"), intcomma(f.get("seats"))),
            (_("Applicants"), intcomma(f.get("applicants"))),
            (_("Applicants per seat"), "—" if per_seat is None else floatformat(per_seat, 1)),
            (_("Lottery drawn at"), _human_time(drawn, obj.event) if drawn else "—"),
            (_("Accepted"), intcomma(f.get("accepted"))),
            (_("Checked in"), intcomma(f.get("checked_in"))),
            (_("Attendance rate"), percent(f.get("attendance_rate")) or "—"),
        ]
        body = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        return format_html("<table>{}</table>", body)

    @admin.display(description=gettext_lazy("programme"))
    def programme_overview(self, obj):
        talks = (
            Talk.objects.filter(event_id=obj.event_id)
            .prefetch_related("speakers")
            .order_by("position", "starts_at", "pk")
        )
        items = [
            (
                talk.title,
                ", ".join(str(s) for s in talk.speakers.all()),
                _web_link(talk.slides_url, _("slides")) if talk.slides_url else "",
            )
            for talk in talks
        ]
        if not items:
            return _("No talks yet: add them to the event's programme.")
        body = format_html_join("", "<li><strong>{}</strong> — {} {}</li>", items)
        return format_html("<ol>{}</ol>", body)

    @admin.display(description=gettext_lazy("participants' materials"))
    def materials_overview(self, obj):
        counts = Material.objects.filter(event_id=obj.event_id).aggregate(
            pending=Count("pk", filter=Q(approved=False)),
        )
        approved = Material.objects.filter(event_id=obj.event_id, approved=True).order_by(
            "created_at", "pk"
        )
        items = [(_web_link(m.url, m.title), m.get_kind_display()) for m in approved]
        body = format_html_join("", "<li>{} ({})</li>", items)
        note = ""
        if counts["pending"]:
            note = format_html(
                "<p>{}</p>",
                _("%(count)d submitted link(s) await approval and are not shown.")
                % {"count": counts["pending"]},
            )
        if not items:
            return format_html("{}{}", _("No approved materials yet."), note)
        return format_html("<ul>{}</ul>{}", body, note)
