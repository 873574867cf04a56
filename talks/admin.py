"""Back office for talks, speakers and participants' materials.

Talks are edited as an inline of the event (ordered by number) and, for their speakers, on
their own page. Materials have a moderation list; approving and rejecting go through
talks.materials, never by writing the flag here.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from events.backoffice.forms import DateTimeLocalInput, KnownRowsInlineFormSet
from events.backoffice.scope import (
    OrganiserScopedAdmin,
    OrganiserScopedInline,
    organised_communities,
    organises_something,
    register_event_inline,
)

from . import materials, programme, speaker_links
from .models import Material, Speaker, Talk, TalkSpeaker
from .providers import recognise


class TalkInlineForm(forms.ModelForm):
    """A talk in the event editor, with its speakers typed as names (new ones are created)."""

    speaker_names = forms.CharField(
        label=_("speakers"),
        required=False,
        max_length=500,
        help_text=_("Names separated by commas; a new name adds a speaker."),
    )

    class Meta:
        model = Talk
        fields = ["position", "title", "kind", "starts_at", "duration_minutes", "slides_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the inline's prefetch: no query per talk.
            links = sorted(self.instance.talk_speakers.all(), key=lambda ts: (ts.position, ts.pk))
            self.initial["speaker_names"] = ", ".join(ts.speaker.name for ts in links)

    def clean_speaker_names(self):
        return programme.parse_names(self.cleaned_data["speaker_names"])

    def _save_m2m(self):
        super()._save_m2m()
        if "speaker_names" in self.changed_data:
            programme.set_speakers(self.instance, self.cleaned_data["speaker_names"])


class TalkInline(OrganiserScopedInline, admin.TabularInline):
    """The programme in the event editor: order by the number, speakers by name."""

    model = Talk
    form = TalkInlineForm
    formset = KnownRowsInlineFormSet
    fields = [
        "position",
        "title",
        "kind",
        "speaker_names",
        "starts_at",
        "duration_minutes",
        "slides_url",
    ]
    ordering = ["position", "starts_at", "pk"]
    extra = 0
    show_change_link = True
    classes = ["bo-inline-talks"]
    formfield_overrides = {
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeLocalInput},
    }
    verbose_name_plural = _("Programme (talks in order of the number)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("talk_speakers", queryset=TalkSpeaker.objects.select_related("speaker"))
            )
        )


register_event_inline(TalkInline)


class TalkSpeakerInline(OrganiserScopedInline, admin.TabularInline):
    model = TalkSpeaker
    fields = ["position", "speaker"]
    ordering = ["position", "pk"]
    autocomplete_fields = ["speaker"]
    extra = 1


@admin.register(Talk)
class TalkAdmin(OrganiserScopedAdmin):
    community_lookup = "event__community"
    list_display = ["title", "event", "kind", "position", "starts_at"]
    list_filter = ["kind"]
    list_select_related = ["event"]
    search_fields = ["title", "speakers__name"]
    ordering = ["-event__starts_at", "position", "pk"]
    inlines = [TalkSpeakerInline]
    fields = [
        "event",
        "title",
        "kind",
        "position",
        "starts_at",
        "duration_minutes",
        "language",
        "abstract",
        "slides_url",
        "video_url",
    ]


class SpeakerAdminForm(forms.ModelForm):
    invite = forms.CharField(
        label=_("Invite an account (nickname)"),
        max_length=30,
        required=False,
        help_text=_(
            "The person gets an invitation and must accept it from their profile before the "
            "talks are linked to their account. They can unlink it at any time."
        ),
    )

    def clean_invite(self):
        nickname = self.cleaned_data["invite"].strip()
        if not nickname:
            return None
        user = User.objects.filter(nickname__iexact=nickname, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account has this nickname."))
        return user


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    """Speakers belong to no community: any organiser may look them up and add one. An account
    is linked only when its owner accepts an invitation (talks.speaker_links)."""

    form = SpeakerAdminForm
    list_display = ["name", "affiliation", "user", "invited_user", "talk_count"]
    search_fields = ["name", "affiliation", "x_username", "user__nickname"]
    fields = [
        "name",
        "affiliation",
        "profile_url",
        "x_username",
        "bio",
        "user",
        "invited_user",
        "invite",
    ]
    readonly_fields = ["user", "invited_user"]
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "invited_user")
            .annotate(_talks=Count("talks"))
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invited = form.cleaned_data.get("invite")
        if invited is None:
            return
        try:
            speaker_links.invite(obj, invited, by=request.user)
        except speaker_links.SpeakerLinkError as exc:
            self.message_user(request, str(exc), messages.WARNING)
        else:
            self.message_user(
                request,
                _("%(nickname)s was invited; the link appears once they accept.")
                % {"nickname": invited.nickname},
                messages.SUCCESS,
            )

    @admin.display(description=_("talks"), ordering="_talks")
    def talk_count(self, obj):
        return obj._talks

    def has_module_permission(self, request):
        return organises_something(request)

    def has_view_permission(self, request, obj=None):
        return organises_something(request)

    def has_add_permission(self, request):
        return organises_something(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class PendingFilter(admin.SimpleListFilter):
    title = _("moderation")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("approved", _("Approved"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(approved=False)
        if self.value() == "approved":
            return queryset.filter(approved=True)
        return queryset


@admin.register(Material)
class MaterialAdmin(OrganiserScopedAdmin):
    community_lookup = "event__community"
    list_display = ["title", "link", "kind", "event", "submitted_by", "status", "created_at"]
    list_display_links = ["title"]
    list_filter = [PendingFilter, "kind"]
    list_select_related = ["event", "submitted_by"]
    search_fields = ["title", "url", "submitted_by__nickname"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected"]
    fields = ["event", "talk", "kind", "url", "title", "submitted_by", "approved", "approved_by"]
    readonly_fields = ["submitted_by", "approved", "approved_by"]

    ordering = ["approved", "-created_at", "-pk"]  # pending first

    @admin.display(description=_("link"))
    def link(self, obj):
        link = recognise(obj.url)
        if not link.url:  # not http(s): written around the validators; never a live href
            return obj.url
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>',
            link.url,
            link.label or link.url,
        )

    @admin.display(description=_("status"), ordering="approved")
    def status(self, obj):
        return _("Approved") if obj.approved else _("Pending")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "talk" and not request.user.is_superuser:
            kwargs["queryset"] = Talk.objects.filter(
                event__community__in=organised_communities(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.submitted_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # Added by an organiser in the back office: no need to moderate it again.
            materials.approve([obj], by=request.user)

    @admin.action(description=_("Approve selected materials"))
    def approve_selected(self, request, queryset):
        try:
            count = materials.approve(queryset, by=request.user)
        except materials.MaterialError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d material approved.", "%(count)d materials approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject (delete) selected materials"))
    def reject_selected(self, request, queryset):
        try:
            count = materials.reject(queryset, by=request.user)
        except materials.MaterialError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d material rejected.", "%(count)d materials rejected.", count)
            % {"count": count},
            messages.SUCCESS,
        )
