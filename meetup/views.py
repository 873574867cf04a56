from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.forms import DeleteAccountForm
from core import fragments
from core.siteurl import site_url
from events import page_versions
from events.models import Event, Registration
from events.queries import events_with_figures
from events.registration import allocation


def home(request):
    def public():
        upcoming = events_with_figures(Event.objects.published().upcoming())[:6]
        return {"upcoming_events": upcoming}, {}

    if not request.user.is_authenticated:  # readers: the anonymous page cache
        return render(request, "meetup/home.html", public()[0])
    return fragments.render_page(
        request,
        "meetup/home.html",
        scopes=page_versions.event_lists(),
        public=public,
        personal=dict,
    )


@require_GET
def switch_language(request, code):
    """A plain link, so anonymous pages need no CSRF token and stay cacheable."""
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico on pages (the admin's) that do not link the SVG icon.
    return redirect(static("img/favicon.svg"), permanent=True)


@login_required
def delete_account(request):
    """Lives in the top app because it must reach every app's workflows before deleting."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        # Free the seats first, through the workflow, so the waitlists move up and are told.
        for registration in Registration.objects.filter(
            user=user, status__in=Registration.LIVE_STATUSES
        ):
            # A checked-in registration cannot be cancelled: it stays, anonymised.
            with suppress(allocation.RegistrationError):
                allocation.cancel(registration, by=user)
        logout(request)
        user.delete()
        messages.success(request, _("Your account was deleted. Thank you for joining us."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@require_GET
def sitemap(request):
    from django.contrib.sitemaps.views import sitemap as sitemap_view

    from .sitemaps import sitemaps_for

    return sitemap_view(request, sitemaps=sitemaps_for(request))


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /me/",
        "Disallow: /calendar/",
        "Disallow: /checkin/",
        f"Sitemap: {site_url('/sitemap.xml', request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
