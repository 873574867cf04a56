"""Public profiles at /users/<nickname>/: what a person chose to show, and nothing when hidden."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Membership, Registration
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _page(client, nickname, status=200):
    response = client.get(f"/users/{nickname}/", **EN)
    assert response.status_code == status
    return response


def test_profile_shows_name_initials_bio_and_links(client):
    UserFactory(
        nickname="hanako",
        display_name="Hanako Yamada",
        bio="Containers & coffee",
        website_url="https://hanako.example.com/",
        github_username="hanako",
        email="hanako@private.example",
    )

    html = _page(client, "hanako").text

    assert "<h1>Hanako Yamada</h1>" in html
    assert '<span class="avatar avatar-large" aria-hidden="true">HY</span>' in html
    assert "Containers &amp; coffee" in html
    assert 'href="https://hanako.example.com/"' in html
    assert 'href="https://github.com/hanako"' in html
    assert "private.example" not in html


def test_profile_lists_events_only_where_on_the_participant_list(client):
    hanako = UserFactory(nickname="hanako")
    past = EventFactory(title="Past on list", starts_at=timezone.now() - dt.timedelta(days=30))
    RegistrationFactory(
        user=hanako,
        ticket_type__event=past,
        ticket_type__opens_at=past.starts_at - dt.timedelta(days=9),
    )
    RegistrationFactory(user=hanako, ticket_type__event__title="Upcoming on list")
    RegistrationFactory(
        user=hanako, show_in_list=False, ticket_type__event__title="Hidden from list"
    )
    RegistrationFactory(
        user=hanako,
        status=Registration.Status.WAITLISTED,
        waitlist_rank=1,
        ticket_type__event__title="Only waiting",
    )
    RegistrationFactory(
        user=hanako,
        ticket_type__event__title="Draft event",
        ticket_type__event__status=Event.Status.DRAFT,
    )

    html = _page(client, "hanako").text

    assert "Past on list" in html
    assert "Upcoming on list" in html
    assert html.index("Upcoming on list") < html.index("Past on list")
    for hidden in ("Hidden from list", "Only waiting", "Draft event"):
        assert hidden not in html


def test_profile_lists_talks_with_slides_and_communities(client):
    hanako = UserFactory(nickname="hanako")
    TalkFactory(
        title="Rootless containers",
        slides_url="https://speakerdeck.com/h/rootless",
        speakers=[SpeakerFactory(user=hanako)],
    )
    CommunityFactory(name="Docker Meetup Tokyo", organisers=[hanako])
    Membership.objects.create(community=CommunityFactory(name="Rust Tokyo"), user=hanako)

    html = _page(client, "hanako").text

    assert "Rootless containers" in html
    assert 'href="https://speakerdeck.com/h/rootless"' in html
    assert 'Docker Meetup Tokyo</a> <span class="badge badge-brand">Organiser' in html
    assert 'Rust Tokyo</a> <span class="badge">Member' in html


def test_hidden_profile_is_404(client):
    UserFactory(nickname="hanako", profile_hidden=True)

    _page(client, "hanako", status=404)


def test_inactive_user_profile_is_404(client):
    UserFactory(nickname="hanako", is_active=False)

    _page(client, "hanako", status=404)


def test_profile_nickname_in_other_case_redirects(client):
    UserFactory(nickname="Hanako")

    response = client.get("/users/hanako/")

    assert (response.status_code, response["Location"]) == (301, "/users/Hanako/")


def test_profile_form_hides_the_profile(client):
    user = UserFactory(nickname="hanako")
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"), {"display_name": "H", "profile_hidden": "on"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.profile_hidden is True
    _page(client, "hanako", status=404)


@pytest.mark.parametrize("n", [1, 8])
def test_profile_query_count_constant(client, django_assert_num_queries, n):
    hanako = UserFactory(nickname="hanako")
    for _ in range(n):
        event = EventFactory()
        RegistrationFactory(user=hanako, ticket_type__event=event)
        TalkFactory(event=event, speakers=[SpeakerFactory(user=hanako)])
        Membership.objects.create(community=event.community, user=hanako)

    # session-less page: user, events, talks, organised, joined
    with django_assert_num_queries(5):
        _page(client, "hanako")


def test_profile_without_events_says_so_once(client):
    UserFactory(nickname="hanako")

    html = _page(client, "hanako").text

    assert html.count("No events on a participant list yet.") == 1
    assert "Will attend" not in html


def test_profile_settings_link_to_the_public_page(client):
    user = UserFactory(nickname="hanako")
    client.force_login(user)

    html = client.get(reverse("accounts:profile"), **EN).text

    assert '<a href="/users/hanako/">Your public profile</a>' in html


def test_participant_list_links_visible_profiles_only(client):
    event = EventFactory()
    RegistrationFactory(
        user__nickname="shown", user__display_name="Shown", ticket_type__event=event
    )
    RegistrationFactory(
        user__nickname="hidden",
        user__display_name="Hidden",
        user__profile_hidden=True,
        ticket_type__event=event,
    )

    html = client.get(event.get_absolute_url(), **EN).text

    assert '<a href="/users/shown/"><bdi>Shown</bdi></a></li>' in html
    assert "</span><bdi>Hidden</bdi></li>" in html
