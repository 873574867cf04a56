"""iCalendar files: one event, a community's upcoming events, and a person's private feed.

The private feed lists the events someone holds a seat for, at a secret URL
(``/calendar/<token>.ics``) that calendar apps poll without signing in. Resetting the token
revokes the old URL.
"""

import datetime as dt
import secrets

import icalendar
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.siteurl import site_host, site_url
from events.models import Community, Event, Registration

PRODID = "-//Meetup//Meetup calendars//EN"
MIN_TOKEN_LENGTH = 32


def _plain(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def event_uid(event) -> str:
    # From the configured site, never the Host header: one calendar reached through two
    # names must not show each event twice.
    return f"event-{event.pk}@{site_host()}"


def vevent(event, request, *, now=None) -> icalendar.Event:
    url = site_url(event.get_absolute_url(), request)
    item = icalendar.Event()
    item.add("uid", event_uid(event))
    item.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    item.add("dtstart", event.starts_at.astimezone(dt.UTC))
    item.add("dtend", event.ends_at.astimezone(dt.UTC))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("summary", event.title)
    description = "\n\n".join(part for part in (_plain(event.catch), url) if part)
    item.add("description", description)
    location = ", ".join(part for part in (event.venue_name, event.address) if part)
    if not location and event.online_url:
        location = _("Online")
    if location:
        item.add("location", location)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def calendar_response(events, request, *, name: str, filename: str) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    now = timezone.now()
    for event in events:
        calendar.add_component(vevent(event, request, now=now))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_calendar(request, event_id):
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    return calendar_response([event], request, name=event.title, filename=f"event-{event.pk}.ics")


@require_GET
def community_calendar(request, slug):
    community = get_object_or_404(Community, slug=slug)
    events = Event.objects.published().filter(community=community).upcoming()[:200]
    return calendar_response(events, request, name=community.name, filename=f"{community.slug}.ics")


@require_GET
@never_cache
def private_calendar(request, token):
    if len(token) < MIN_TOKEN_LENGTH:
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    since = timezone.now() - dt.timedelta(days=180)
    events = (
        Event.objects.published()
        .filter(
            registrations__user=user,
            registrations__status=Registration.Status.ACCEPTED,
            ends_at__gte=since,
        )
        .distinct()
        .order_by("starts_at", "pk")
    )
    return calendar_response(events, request, name=_("My meetups"), filename="my-meetups.ics")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters


@never_cache
@login_required
def my_calendar(request):
    """Show the private feed URL; POST action=create|reset|revoke changes it."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action in {"create", "reset"}:
            user.calendar_token = new_calendar_token()
            user.save(update_fields=["calendar_token"])
            messages.success(
                request,
                _("Your private calendar has a new address; the old one no longer works.")
                if action == "reset"
                else _("Your private calendar is ready."),
            )
        elif action == "revoke":
            user.calendar_token = ""
            user.save(update_fields=["calendar_token"])
            messages.success(request, _("Your private calendar address was turned off."))
        return redirect("events:my_calendar")
    feed_url = (
        site_url(f"/calendar/{user.calendar_token}.ics", request) if user.calendar_token else ""
    )
    webcal_url = feed_url.replace("https://", "webcal://").replace("http://", "webcal://")
    return render(
        request, "events/my_calendar.html", {"feed_url": feed_url, "webcal_url": webcal_url}
    )
