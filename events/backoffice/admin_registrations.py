"""Back office: registrations and the audit log.

Every admin here is scoped to the communities the user organises (events.backoffice.scope).
Actions call the workflow functions (events.registration) and only turn a RegistrationError into
a message; nothing here writes a status field.
"""

from functools import partial

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import states
from events.backoffice import activity, dashboard
from events.backoffice.forms import MoveForm
from events.backoffice.scope import OrganiserScopedAdmin
from events.models import AuditLog, Registration
from events.registration import allocation
from events.registration.allocation import RegistrationError


@admin.register(Registration)
class RegistrationAdmin(OrganiserScopedAdmin):
    community_lookup = "event__community"
    list_display = [
        "receipt",
        "name",
        "email",
        "event",
        "ticket_type_name",
        "state",
        "draw_rank",
        "waitlist_rank",
        "applied_at",
        "checked_in_at",
    ]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        ("ticket_type", admin.RelatedOnlyFieldListFilter),
        "status",
    ]
    search_fields = ["receipt", "user__display_name", "user__nickname", "user__email"]
    list_select_related = ["user", "ticket_type", "event"]
    show_full_result_count = False
    list_per_page = 100
    actions = ["approve", "reject", "cancel", "move", "mark_attended"]
    fields = [
        "receipt",
        "user",
        "email",
        "event",
        "ticket_type",
        "state",
        "waitlist_rank",
        "draw_rank",
        "lottery_weight",
        "show_in_list",
        "applied_at",
        "decided_at",
        "cancelled_at",
        "checked_in_at",
        "answers",
        "attendance",
    ]
    readonly_fields = fields

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        """The state's name for organisers (events.states): who cancelled, no-show, ..."""
        key = states.state_of(obj)
        return states.label(key, organiser=True)

    @admin.display(description=_("name"), ordering="user__display_name")
    def name(self, obj):
        return obj.user.name if obj.user else "—"

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email if obj.user else "—"

    @admin.display(description=_("ticket type"), ordering="ticket_type__name")
    def ticket_type_name(self, obj):
        return obj.ticket_type.name

    @admin.display(description=_("answers to the questions"))
    def answers(self, obj):
        rows = [(a.question_text, a.display_value()) for a in obj.answers.all()]
        if not rows:
            return "—"
        return format_html(
            '<dl class="bo-answers">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows)
        )

    @admin.display(description=_("attendance in this community"))
    def attendance(self, obj):
        from django.template.loader import render_to_string

        return render_to_string(
            "admin/events/registration/attendance.html",
            {"history": dashboard.attendance_history(obj)},
        )

    def get_urls(self):
        from django.urls import path

        from events.backoffice import views as backoffice_views

        view = self.admin_site.admin_view(partial(backoffice_views.decide, model_admin=self))
        return [
            path("<int:registration_id>/decide/", view, name="events_registration_decide"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False  # people apply on the event page; nothing here bypasses the workflow

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: a cancelled seat goes to the waitlist

    def _each(self, request, queryset, workflow, done_message):
        done, refused = 0, []
        for registration in queryset.select_related("user"):
            try:
                workflow(registration, by=request.user)
            except RegistrationError as exc:
                refused.append(f"{registration.receipt}: {exc}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), level=messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, level=messages.ERROR)

    @admin.action(description=_("Approve (approval ticket types)"))
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            allocation.approve,
            lambda n: ngettext("Approved %d registration.", "Approved %d registrations.", n) % n,
        )

    @admin.action(description=_("Reject (approval ticket types)"))
    def reject(self, request, queryset):
        self._each(
            request,
            queryset,
            allocation.reject,
            lambda n: ngettext("Rejected %d registration.", "Rejected %d registrations.", n) % n,
        )

    @admin.action(description=_("Cancel (the waitlist moves up)"))
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            allocation.cancel,
            lambda n: ngettext("Cancelled %d registration.", "Cancelled %d registrations.", n) % n,
        )

    @admin.action(description=_("Mark attended (check in)"))
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            allocation.check_in,
            lambda n: ngettext("Checked in %d person.", "Checked in %d people.", n) % n,
        )

    @admin.action(description=_("Move to another ticket type…"))
    def move(self, request, queryset):
        registrations = list(queryset.select_related("user", "ticket_type", "event"))
        events = {r.event_id for r in registrations}
        if len(events) != 1:
            self.message_user(
                request,
                _("Select registrations of one event to move them."),
                level=messages.WARNING,
            )
            return None
        event = registrations[0].event
        sources = {r.ticket_type_id for r in registrations}
        form = MoveForm(
            request.POST if "apply" in request.POST else None,
            event=event,
            exclude_ids=sources if len(sources) == 1 else (),
        )
        if "apply" in request.POST and form.is_valid():
            target = form.cleaned_data["ticket_type"]
            self._each(
                request,
                queryset,
                partial(allocation.move, ticket_type=target),
                lambda n: (
                    ngettext(
                        "Moved %(n)d registration to %(name)s.",
                        "Moved %(n)d registrations to %(name)s.",
                        n,
                    )
                    % {"n": n, "name": target.name}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move registrations"),
            "opts": self.opts,
            "event": event,
            "registrations": registrations,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/registration/move.html", context)


# -- Audit log -----------------------------------------------------------------------------


class _TitledRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A related-object filter whose heading is translated (the log's fields have no
    verbose names of their own, so the stock heading would be the raw field name)."""

    heading = ""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.heading


class EventFilter(_TitledRelatedFilter):
    heading = _("event")


class PersonFilter(_TitledRelatedFilter):
    heading = _("person")


class ActionFilter(admin.SimpleListFilter):
    title = _("what happened")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = (
            model_admin.get_queryset(request)
            .order_by("action")
            .values_list("action", flat=True)
            .distinct()
        )
        return [(code, activity.action_label(code)) for code in actions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditLog)
class AuditLogAdmin(OrganiserScopedAdmin):
    community_lookup = "event__community"
    event_lookup = None
    list_display = ["created_at", "sentence", "event"]
    list_filter = [("event", EventFilter), ("actor", PersonFilter), ActionFilter]
    search_fields = ["action", "target", "actor__nickname", "actor__display_name"]
    list_select_related = ["event", "actor"]
    date_hierarchy = "created_at"

    @admin.display(description=_("what happened"))
    def sentence(self, obj):
        return activity.describe(obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
