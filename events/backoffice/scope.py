"""The back office's one rule: an organiser sees and changes only their communities' objects.

Every organiser-facing ModelAdmin (in any app) subclasses `OrganiserScopedAdmin` and names the
lookup path from its model to `Community`. Superusers see everything.
"""

from django.contrib import admin
from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Community, Event, Registration, TicketType


def organised_communities(user):
    if not (user.is_active and user.is_staff):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(organisers=user)


def is_organiser_of(user, community_id) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or Community.objects.filter(pk=community_id, organisers=user).exists()


def organises_something(request) -> bool:
    """Whether the request's user organises any community (asked once per request: the admin
    asks every registered ModelAdmin for its permissions on every page)."""
    cached = getattr(request, "_organises_something", None)
    if cached is None:
        user = request.user
        cached = bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.organised_communities.exists())
        )
        request._organises_something = cached
    return cached


def organised_events(user):
    """The events whose back office `user` may open (all of them for a superuser)."""
    if not (user.is_active and user.is_staff):
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(community__organisers=user)


def event_for_organiser_or_404(user, event_id) -> Event:
    """The event, if `user` organises it; otherwise 404 (never tell whether it exists)."""
    return get_object_or_404(organised_events(user).select_related("community"), pk=event_id)


class OrganiserScopedAdmin(admin.ModelAdmin):
    #: Lookup from this admin's model to its Community, e.g. "event__community"; "" for Community.
    community_lookup: str = "community"
    #: Lookup from this admin's model to its Event, for the per-event audit log; None if none.
    event_lookup: str | None = "event"

    def _scope(self, queryset, user):
        if user.is_superuser:
            return queryset
        prefix = f"{self.community_lookup}__" if self.community_lookup else ""
        return queryset.filter(**{f"{prefix}organisers": user})

    def get_queryset(self, request):
        return self._scope(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        """The object through the scoped queryset, once per request; it is marked as found
        within the user's communities, so the permission checks need no query for it."""
        cache = request.__dict__.setdefault("_backoffice_objects", {})
        key = (self.model, str(object_id), from_field)
        if key not in cache:
            obj = super().get_object(request, object_id, from_field)
            if obj is not None:
                obj._scoped_for = request.user.pk
                # Found in the user's communities: they organise something (no query later).
                request._organises_something = True
            cache[key] = obj
        return cache[key]

    @staticmethod
    def _follow(obj, lookup):
        target = obj
        for part in filter(None, lookup.split("__")):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target

    def _community_id_of(self, obj):
        target = self._follow(obj, self.community_lookup)
        return target.pk if target is not None else None

    # Every add, change and delete made in the back office also lands in the event's audit log.
    def _audit(self, request, obj, verb, **detail):
        from events.audit import log

        event = self._follow(obj, self.event_lookup) if self.event_lookup is not None else None
        if event is None and isinstance(obj, Event) and verb != "delete":
            event = obj  # (a deleted event takes its log with it: log that one site-wide)
        label = f"{obj._meta.model_name}.{verb}"
        log(event if isinstance(event, Event) else None, request.user, label, obj, **detail)

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", fields=_changed_fields(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete")
        return super().log_deletions(request, queryset)

    def _may(self, request, obj=None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if obj is not None and getattr(obj, "_scoped_for", None) == user.pk:
            return True  # loaded through this user's scoped queryset (get_object)
        if not organises_something(request):
            return False
        if obj is None:
            return True
        # The admin asks about the same object many times a page: once per community.
        community_id = self._community_id_of(obj)
        answers = request.__dict__.setdefault("_organiser_of", {})
        if community_id not in answers:
            answers[community_id] = is_organiser_of(user, community_id)
        return answers[community_id]

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another community's object (or none at all): 404, never a hint that it exists.
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _changed_fields(message) -> list[str]:
    """The field names out of the admin's change message (a list of dicts)."""
    fields = []
    for entry in message or []:
        for value in entry.values():
            fields.extend(str(name) for name in value.get("fields", []))
    return fields


# Choices in forms, filters and autocompletes stay inside the organiser's communities.
SCOPED_CHOICES = {
    Community: "",
    Event: "community",
    TicketType: "event__community",
    Registration: "event__community",
}


def _choice_lookup(model):
    if model in SCOPED_CHOICES:
        return SCOPED_CHOICES[model]
    return getattr(model, "community_lookup", None)


def scope_choices(db_field, request, kwargs) -> None:
    """Limit a foreign key's choices to the user's communities (in place, on `kwargs`)."""
    if request.user.is_superuser:
        return
    model = db_field.related_model
    lookup = _choice_lookup(model)
    if lookup is not None:
        communities = organised_communities(request.user)
        field = f"{lookup}__in" if lookup else "pk__in"
        kwargs["queryset"] = model._default_manager.filter(**{field: communities})


class OrganiserScopedInline:
    """Mixin for inlines of a scoped admin: the parent's organisers may edit the rows.

    The parent admin already limited the parent object to the user's communities, so an inline
    only has to ask whether the user organises anything at all (and keep its choices scoped).
    """

    def _may(self, request, obj=None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if obj is not None and getattr(obj, "_scoped_for", None) == user.pk:
            return True  # the parent, loaded through this user's scoped queryset
        return user.is_superuser or organises_something(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


#: Inlines that higher apps (talks, reports) add to the event admin, keeping imports one-way.
extra_event_inlines: list = []


def register_event_inline(inline_class):
    if inline_class not in extra_event_inlines:
        extra_event_inlines.append(inline_class)
    return inline_class
