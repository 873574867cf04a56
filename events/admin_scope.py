"""The back office's one rule: an organiser sees and changes only their communities' objects.

Every organiser-facing ModelAdmin (in any app) subclasses `OrganiserScopedAdmin` and names the
lookup path from its model to `Community`. Superusers see everything.
"""

from django.contrib import admin

from .models import Community, Event, Registration, TicketType


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


class OrganiserScopedAdmin(admin.ModelAdmin):
    #: Lookup from this admin's model to its Community, e.g. "event__community".
    community_lookup: str = "community"

    def _scope(self, queryset, user):
        if user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.community_lookup}__organisers": user})

    def get_queryset(self, request):
        return self._scope(super().get_queryset(request), request.user)

    def _community_id_of(self, obj):
        target = obj
        for part in self.community_lookup.split("__"):
            target = getattr(target, part)
        return target.pk if target is not None else None

    def _may(self, request, obj=None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if not user.organised_communities.exists():
            return False
        return obj is None or is_organiser_of(user, self._community_id_of(obj))

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

    # Choices in forms, filters and autocompletes stay inside the organiser's communities.
    SCOPED_CHOICES = {
        Community: "",
        Event: "community",
        TicketType: "event__community",
        Registration: "event__community",
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if not request.user.is_superuser:
            lookup = self._choice_lookup(model)
            if lookup is not None:
                communities = organised_communities(request.user)
                field = f"{lookup}__in" if lookup else "pk__in"
                kwargs["queryset"] = model._default_manager.filter(**{field: communities})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _choice_lookup(self, model):
        if model in self.SCOPED_CHOICES:
            return self.SCOPED_CHOICES[model]
        return getattr(model, "community_lookup", None)


#: Inlines that higher apps (talks, reports) add to the event admin, keeping imports one-way.
extra_event_inlines: list = []


def register_event_inline(inline_class):
    if inline_class not in extra_event_inlines:
        extra_event_inlines.append(inline_class)
    return inline_class
