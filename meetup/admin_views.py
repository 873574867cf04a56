"""Two of Django's own admin pages, replaced so they keep the site's rules.

- ``/admin/login/`` sends people to allauth's sign-in page, so the back office has the same
  rate limit and lockout as the site (ACCOUNT_RATE_LIMITS["login_failed"]), and no second
  password form that an attacker could hammer.
- ``/admin/r/<content type>/<id>/`` ("view on site") answers only for objects the user may see
  in the back office: the scoped ModelAdmin's queryset decides, as on the change pages.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def admin_login(request):
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    messages.info(
        request,
        _(
            "The back office uses the site's sign-in. After several wrong passwords, signing "
            "in to that account is locked for a few minutes, from every page."
        ),
    )
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise Http404
    try:
        obj = model_admin.get_queryset(request).get(pk=object_id)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)
