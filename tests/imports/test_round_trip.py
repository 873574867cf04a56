"""Round trip: Meetup's own API is connpass-compatible, so importing the demo community from a
live server into a fresh community gives back the same events, figures, talks and links."""

import io

import pytest
from django.core.management import call_command

from api import keys
from api.queries import public_events
from core.markdown import render_markdown
from events.models import Community
from imports.client import ConnpassClient
from imports.importer import import_group
from talks.models import Material, Talk
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _events(community):
    return {
        event.title: (
            event.number,
            event.catch,
            event.starts_at,
            event.ends_at,
            event.timezone,
            event.venue_name,
            event.address,
            event.hashtag,
            event.latitude,
            event.longitude,
            event.status,
        )
        for event in community.events.filter(status__in=["published", "cancelled"])
    }


def _talks(community):
    return sorted(
        (talk.event.title, talk.title, talk.slides_url, talk.video_url)
        for talk in Talk.objects.filter(event__community=community).select_related("event")
        if talk.slides_url or talk.video_url
    )


def _blogs(community):
    return sorted(
        (m.event.title, m.title, m.url)
        for m in Material.objects.filter(
            event__community=community, approved=True, kind=Material.Kind.BLOG
        ).select_related("event")
    )


def test_demo_community_round_trips_through_the_api(live_server, settings):
    settings.MEETUP_API_RATE = 10_000.0
    settings.MEETUP_API_BURST = 10_000
    call_command("seed_demo", stdout=io.StringIO())
    demo = Community.objects.get(organisers__email="organiser@example.com")
    fresh = CommunityFactory(slug="fresh", name="Fresh")
    _api_key, raw_key = keys.create_key(UserFactory(), "import")
    client = ConnpassClient(base_url=f"{live_server.url}/api/v2", api_key=raw_key, interval=0)

    _community, summary = import_group(client, demo.slug, community=fresh)

    originals = _events(demo)
    assert summary.created == len(originals) > 0
    assert _events(fresh) == originals
    assert _talks(fresh) == _talks(demo)
    assert _blogs(fresh) == _blogs(demo)
    figures = {
        e.title: (e.seats if e.api_opens else None, e.accepted, e.waitlisted + e.pending)
        for e in public_events().filter(community=demo)
    }
    assert {
        e.title: (e.imported_limit, e.imported_accepted, e.imported_waiting)
        for e in fresh.events.all()
    } == figures
    for copy in fresh.events.all():
        original = demo.events.get(title=copy.title)
        assert str(render_markdown(copy.description)) == str(
            render_markdown(original.description)
        ), copy.title
