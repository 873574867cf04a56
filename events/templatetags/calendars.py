"""Calendar and feed links for event and community pages."""

import datetime as dt
from urllib.parse import urlencode

from django import template

from core.siteurl import site_url

register = template.Library()


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@register.inclusion_tag("events/includes/add_to_calendar.html", takes_context=True)
def add_to_calendar(context, event):
    request = context.get("request")
    url = site_url(event.get_absolute_url(), request)
    location = ", ".join(part for part in (event.venue_name, event.address) if part)
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_utc(event.starts_at)}/{_utc(event.ends_at)}",
            "details": url,
            "location": location,
        }
    )
    return {"event": event, "google_url": google, "user": context.get("user")}


@register.inclusion_tag("events/includes/community_feeds.html")
def community_feeds(community):
    return {"community": community}
