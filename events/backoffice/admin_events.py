"""Back office: communities, members, events and ticket types.

Every admin here is scoped to the communities the user organises (events.backoffice.scope).
Ticket type and schedule changes go through `events.registration.configuration`; nothing here
writes a seat.
"""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from events import tasks
from events.backoffice import views as backoffice_views
from events.backoffice import views_checkin
from events.backoffice.forms import (
    CommunityAdminForm,
    EventAdminForm,
    KnownRowsInlineFormSet,
    LocalDateTimes,
    TicketTypeForm,
    TimeZoneField,
    editing_time_zone,
)
from events.backoffice.scope import OrganiserScopedAdmin, OrganiserScopedInline, extra_event_inlines
from events.models import Community, Event, Membership, Registration, TicketType
from events.registration import configuration
from events.registration.allocation import RegistrationError


def save_ticket_type(request, ticket_type) -> None:
    """Save a ticket type through `configuration.change_ticket_type`, inside the admin's
    transaction: the row lock is held until the whole form commits, so the check, the write and
    the move-ups are one unit. The form already showed the usual refusals in place; one that only
    the lock can see (a seat given meanwhile) leaves the ticket type unchanged, with the reason."""
    try:
        configuration.change_ticket_type(ticket_type, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))


# -- Community and membership --------------------------------------------------------------


@admin.register(Community)
class CommunityAdmin(OrganiserScopedAdmin):
    form = CommunityAdminForm
    community_lookup = ""
    event_lookup = None
    list_display = ["name", "slug", "event_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_events=Count("events"))

    @admin.display(description=_("events"), ordering="n_events")
    def event_count(self, obj):
        return obj.n_events

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers" and not request.user.is_superuser:
            from accounts.models import User

            # Organisers pick co-organisers among staff accounts, never from every user.
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(OrganiserScopedAdmin):
    event_lookup = None
    list_display = ["user", "community", "joined_at", "notify_new_events"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter), "notify_new_events"]
    search_fields = ["user__nickname", "user__display_name", "user__email"]
    list_select_related = ["user", "community"]
    readonly_fields = ["user", "community", "joined_at"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields


# -- Events and ticket types ---------------------------------------------------------------


class TicketTypeInline(LocalDateTimes, OrganiserScopedInline, admin.StackedInline):
    model = TicketType
    form = TicketTypeForm
    formset = KnownRowsInlineFormSet
    extra = 0
    classes = ["bo-inline-ticket-types"]

    def get_queryset(self, request):
        # Each row's title names its event: one join, not a query per ticket type.
        return super().get_queryset(request).select_related("event")

    fields = [
        ("name", "allocation", "capacity"),
        ("opens_at", "closes_at"),
        ("lottery_at", "moveup_cutoff_at"),
        ("position", "weighting"),
        "description",
    ]
    show_change_link = True


@admin.register(Event)
class EventAdmin(LocalDateTimes, OrganiserScopedAdmin):
    """One editor for the event, its ticket types and its programme (the talks app adds its
    inline through `register_event_inline`). Dates and times are read and shown in the
    event's own time zone, each in one date-time box."""

    form = EventAdminForm
    list_display = ["title", "community", "starts_at", "status", "dashboard_link"]
    list_filter = ["status", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "catch", "venue_name"]
    list_select_related = ["community"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    exclude = ["owner"]
    fieldsets = [
        (None, {"fields": ["community", "number", "title", "catch", "status", "published_at"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "timezone"]}),
        (
            _("Where"),
            {"fields": ["venue_name", "address", "latitude", "longitude", "online_url"]},
        ),
        (_("About"), {"fields": ["description", "hashtag", "image"]}),
        (_("At the door"), {"fields": ["checkin_code"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Registrants"), {"fields": ["confirm_schedule_change"]})]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            return TimeZoneField(
                label=db_field.verbose_name, initial=db_field.default, required=True
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Every date-time box of the page (event, ticket types, talks) reads and shows the
        # event's zone; the response is rendered inside it too.
        event = self.get_object(request, unquote(object_id)) if object_id else None
        with timezone.override(editing_time_zone(request, event)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community")

    def get_readonly_fields(self, request, obj=None):
        # An event stays in its community (its number, page and audience are the community's).
        return ["community"] if obj is not None else []

    def get_inlines(self, request, obj):
        # Higher apps (talks, reports) register their inlines in events.backoffice.scope at import time.
        return [TicketTypeInline, *extra_event_inlines]

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_event_dashboard", args=[obj.pk]),
            _("Dashboard"),
        )

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        published_now = obj.status == Event.Status.PUBLISHED and (
            not change or "status" in form.changed_data
        )
        if published_now and obj.published_at is None:
            obj.published_at = timezone.now()
        if change:
            old = {f: form.initial.get(f) for f in configuration.SCHEDULE_FIELDS}
            changes = configuration.update_event(obj, old=old, by=request.user)
            if changes and configuration.live_registrations(obj).exists():
                messages.info(request, _("The registrants will be e-mailed what changed."))
        else:
            super().save_model(request, obj, form, change)
        if published_now:
            # Members who opted in hear about it once, after commit (idempotent in the task).
            tasks.announce_event(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TicketType:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            save_ticket_type(request, instance)
        formset.save_m2m()

    def get_urls(self):
        site = self.admin_site

        def wrap(view):
            return site.admin_view(partial(view, model_admin=self))

        custom = [
            path(
                "<int:event_id>/dashboard/",
                wrap(backoffice_views.dashboard),
                name="events_event_dashboard",
            ),
            path(
                "<int:event_id>/lottery/<int:ticket_type_id>/",
                wrap(backoffice_views.draw_confirm),
                name="events_event_draw",
            ),
            path(
                "<int:event_id>/checkin/",
                wrap(views_checkin.checkin),
                name="events_event_checkin",
            ),
            path(
                "<int:event_id>/registrations.csv",
                wrap(backoffice_views.export_csv),
                name="events_event_export",
            ),
            path(
                "<int:event_id>/attendees/",
                wrap(backoffice_views.attendee_list),
                name="events_event_attendees",
            ),
            path(
                "<int:event_id>/answers/",
                wrap(backoffice_views.answers_summary),
                name="events_event_answers",
            ),
            path(
                "next/<int:community_id>/",
                wrap(backoffice_views.next_event),
                name="events_event_next",
            ),
            path(
                "<int:event_id>/message/",
                wrap(backoffice_views.message),
                name="events_event_message",
            ),
        ]
        return custom + super().get_urls()


@admin.register(TicketType)
class TicketTypeAdmin(LocalDateTimes, OrganiserScopedAdmin):
    community_lookup = "event__community"
    form = TicketTypeForm
    list_display = [
        "name",
        "event",
        "allocation",
        "capacity",
        "accepted_count",
        "closes_at",
        "lottery_state",
    ]
    list_filter = ["allocation", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]
    readonly_fields = ["commitment", "committed_at", "entries_digest", "drawn_at", "seats_at_draw"]
    actions = ["run_lottery"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_accepted=Count(
                    "registrations", filter=Q(registrations__status=Registration.Status.ACCEPTED)
                )
            )
        )

    @admin.display(description=_("accepted"), ordering="n_accepted")
    def accepted_count(self, obj):
        return obj.n_accepted

    @admin.display(description=_("lottery"))
    def lottery_state(self, obj):
        if not obj.is_lottery:
            return "—"
        return _("drawn") if obj.is_drawn else _("not drawn")

    def save_model(self, request, obj, form, change):
        save_ticket_type(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        tt = self.get_object(request, unquote(object_id)) if object_id else None
        with timezone.override(editing_time_zone(request, tt.event if tt else None)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    # Saving a ticket type returns to its event's dashboard, not to the list of every type.
    def _back_to_event(self, request, obj, response):
        if "_continue" in request.POST or "_addanother" in request.POST or "_popup" in request.POST:
            return response
        return HttpResponseRedirect(reverse("admin:events_event_dashboard", args=[obj.event_id]))

    def response_change(self, request, obj):
        return self._back_to_event(request, obj, super().response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_event(
            request, obj, super().response_add(request, obj, post_url_continue)
        )

    @admin.action(description=_("Run the lottery…"))
    def run_lottery(self, request, queryset):
        ticket_types = list(queryset[:2])
        if len(ticket_types) != 1:
            self.message_user(
                request, _("Select exactly one ticket type to draw."), level=messages.WARNING
            )
            return None
        tt = ticket_types[0]
        return HttpResponseRedirect(reverse("admin:events_event_draw", args=[tt.event_id, tt.pk]))


# -- Registrations -------------------------------------------------------------------------
