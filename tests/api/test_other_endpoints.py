import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from events.models import Event, Membership, Registration
from talks.models import Talk
from tests.factories import (
    CommunityFactory,
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GROUP_FIELDS = [
    "id", "subdomain", "title", "sub_title", "url", "description", "owner_text", "image_url",
    "website_url", "website_name", "twitter_username", "facebook_url", "member_users_count",
]  # fmt: skip
USER_FIELDS = [
    "id", "nickname", "display_name", "description", "url", "image_url", "created_at",
    "attended_event_count", "organize_event_count", "presenter_event_count",
    "bookmark_event_count",
]  # fmt: skip


def test_presentations_list_talk_slides_videos_and_approved_materials(api):
    speaker_user = UserFactory(nickname="speaker")
    poster = UserFactory(nickname="poster")
    event = EventFactory()
    talk = TalkFactory(
        event=event,
        title="Rootless containers",
        slides_url="https://speakerdeck.com/s/rootless",
        video_url="https://www.youtube.com/watch?v=abc",
        speakers=[SpeakerFactory(user=speaker_user)],
    )
    MaterialFactory(
        event=event,
        talk=talk,
        submitted_by=poster,
        title="My notes",
        url="https://blog.example.com/notes",
    )
    MaterialFactory(
        event=event, submitted_by=poster, approved=False, url="https://blog.example.com/hidden"
    )

    payload = api(f"/api/v2/events/{event.pk}/presentations/")

    speaker = {"id": speaker_user.pk, "nickname": "speaker"}
    assert list(payload) == [
        "results_returned",
        "results_available",
        "results_start",
        "presentations",
    ]
    assert [
        (p["url"], p["name"], p["presentation_type"], p["user"], p["presenter"])
        for p in payload["presentations"]
    ] == [
        ("https://speakerdeck.com/s/rootless", "Rootless containers", "slide", speaker, speaker),
        ("https://www.youtube.com/watch?v=abc", "Rootless containers", "movie", speaker, speaker),
        (
            "https://blog.example.com/notes",
            "My notes",
            "blog",
            {"id": poster.pk, "nickname": "poster"},
            speaker,
        ),
    ]


def test_presentations_of_talk_without_account_are_posted_by_the_owner(api):
    owner = UserFactory(nickname="orga")
    event = EventFactory(owner=owner)
    TalkFactory(event=event, speakers=[SpeakerFactory()])

    presentation = api(f"/api/v2/events/{event.pk}/presentations")["presentations"][0]

    assert (presentation["user"], presentation["presenter"]) == (
        {"id": owner.pk, "nickname": "orga"},
        None,
    )


def test_presentations_without_any_account_have_null_users(api):
    event = EventFactory(owner=None)
    TalkFactory(event=event, speakers=[SpeakerFactory()])

    presentation = api(f"/api/v2/events/{event.pk}/presentations")["presentations"][0]

    assert (presentation["user"], presentation["presenter"]) == (None, None)


def test_presentations_created_at_is_in_the_event_zone(api):
    event = EventFactory(timezone="Europe/Berlin")
    talk = TalkFactory(event=event)
    Talk.objects.filter(pk=talk.pk).update(
        created_at=dt.datetime(2027, 1, 10, 12, 0, 5, 123, tzinfo=dt.UTC)
    )

    presentation = api(f"/api/v2/events/{event.pk}/presentations")["presentations"][0]

    assert presentation["created_at"] == "2027-01-10T13:00:05+01:00"


def test_presentations_of_draft_event_are_404(api):
    event = EventFactory(status=Event.Status.DRAFT)
    TalkFactory(event=event)

    assert api(f"/api/v2/events/{event.pk}/presentations/", status=404)["detail"] == "Not found."


def test_presentations_paging(api):
    event = EventFactory()
    talks = [TalkFactory(event=event, position=i) for i in range(3)]

    payload = api(f"/api/v2/events/{event.pk}/presentations/", {"start": 2, "count": 1})

    assert [p["name"] for p in payload["presentations"]] == [talks[1].title]
    assert (
        payload["results_returned"],
        payload["results_available"],
        payload["results_start"],
    ) == (1, 3, 2)


def test_groups_fields_and_member_count(api):
    organiser = UserFactory(display_name="Orga")
    community = CommunityFactory(
        slug="docker-tokyo",
        name="Docker Meetup Tokyo",
        catch="Containers",
        description="We *meet*.",
        website_url="https://docker.example.com/about",
        x_username="dockertokyo",
        organisers=[organiser],
    )
    for user in UserFactory.create_batch(2):
        Membership.objects.create(community=community, user=user)

    payload = api("/api/v2/groups/")

    group = payload["groups"][0]
    assert list(group) == GROUP_FIELDS
    assert group == {
        "id": community.pk,
        "subdomain": "docker-tokyo",
        "title": "Docker Meetup Tokyo",
        "sub_title": "Containers",
        "url": "http://testserver/communities/docker-tokyo/",
        "description": "<p>We <em>meet</em>.</p>\n",
        "owner_text": "Orga",
        "image_url": "http://testserver/static/img/api-default.png",
        "website_url": "https://docker.example.com/about",
        "website_name": "docker.example.com",
        "twitter_username": "dockertokyo",
        "facebook_url": None,
        "member_users_count": 2,
    }


def test_groups_filter_by_subdomain(api):
    CommunityFactory(slug="a")
    wanted = CommunityFactory(slug="b")

    payload = api("/api/v2/groups/", {"subdomain": "b,zzz"})

    assert [g["id"] for g in payload["groups"]] == [wanted.pk]


@pytest.mark.parametrize("n", [1, 30])
def test_groups_query_count_constant(api, django_assert_num_queries, n):
    for _ in range(n):
        CommunityFactory(organisers=[UserFactory()])

    # key, last used, count, page ids, page rows, organisers
    with django_assert_num_queries(6):
        payload = api("/api/v2/groups/", {"count": 100})

    assert payload["results_returned"] == n


def test_users_fields_and_counts_only_public(api):
    alice = UserFactory(
        nickname="alice", display_name="Alice", bio="Hi", email="alice@private.example"
    )
    RegistrationFactory(user=alice)
    RegistrationFactory(user=alice, show_in_list=False)
    RegistrationFactory(user=alice, ticket_type__event__status=Event.Status.DRAFT)
    EventFactory(owner=alice)
    TalkFactory(speakers=[SpeakerFactory(user=alice)])

    response = api.client.get("/api/v2/users/", {"nickname": "alice"})

    user = response.json()["users"][0]
    assert list(user) == USER_FIELDS
    assert b"private.example" not in response.content
    assert (user["id"], user["nickname"], user["display_name"], user["description"]) == (
        alice.pk,
        "alice",
        "Alice",
        "Hi",
    )
    assert (
        user["attended_event_count"],
        user["organize_event_count"],
        user["presenter_event_count"],
        user["bookmark_event_count"],
    ) == (1, 1, 1, 0)


def test_users_url_is_the_profile_and_created_at_in_tokyo(api):
    alice = UserFactory(
        nickname="alice", date_joined=dt.datetime(2026, 1, 31, 16, 30, 5, 99, tzinfo=dt.UTC)
    )

    user = api("/api/v2/users/", {"nickname": "alice"})["users"][0]

    assert (user["id"], user["url"], user["created_at"]) == (
        alice.pk,
        "http://testserver/users/alice/",
        "2026-02-01T01:30:05+09:00",
    )


def test_users_nickname_search_is_case_insensitive(api):
    alice = UserFactory(nickname="Alice")

    assert [u["id"] for u in api("/api/v2/users/", {"nickname": "aLICE"})["users"]] == [alice.pk]


def test_users_lists_only_visible_profiles(api):
    shown = UserFactory(nickname="shown")
    UserFactory(nickname="hidden", profile_hidden=True)

    payload = api("/api/v2/users/", {"nickname": "shown,hidden"})

    assert [u["id"] for u in payload["users"]] == [shown.pk]
    assert api("/api/v2/users/hidden/groups/", status=404)["detail"] == "Not found."


def test_events_nickname_search_skips_hidden_profiles(api):
    hidden = UserFactory(nickname="hidden", profile_hidden=True)
    RegistrationFactory(user=hidden)

    assert api("/api/v2/events/", {"nickname": "hidden"})["events"] == []


def test_users_excludes_inactive(api):
    UserFactory(nickname="gone", is_active=False)

    assert api("/api/v2/users/", {"nickname": "gone"})["users"] == []


def test_user_groups_lists_member_and_organiser_communities(api):
    alice = UserFactory(nickname="alice")
    member_of = CommunityFactory()
    Membership.objects.create(community=member_of, user=alice)
    organises = CommunityFactory(organisers=[alice])
    CommunityFactory()

    payload = api("/api/v2/users/alice/groups/")

    assert [g["id"] for g in payload["groups"]] == [member_of.pk, organises.pk]


def test_user_attended_events_respect_participant_list_choice(api):
    alice = UserFactory(nickname="alice")
    shown = RegistrationFactory(user=alice).event
    RegistrationFactory(user=alice, show_in_list=False)
    RegistrationFactory(user=alice, status=Registration.Status.WAITLISTED, waitlist_rank=1)

    payload = api("/api/v2/users/alice/attended_events")

    assert [e["id"] for e in payload["events"]] == [shown.pk]


def test_user_presenter_events(api):
    alice = UserFactory(nickname="alice")
    talk = TalkFactory(speakers=[SpeakerFactory(user=alice)])
    TalkFactory()
    TalkFactory(event__status=Event.Status.DRAFT, speakers=[SpeakerFactory(user=alice)])

    payload = api("/api/v2/users/alice/presenter_events/")

    assert [e["id"] for e in payload["events"]] == [talk.event_id]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/users/nobody/groups/",
        "/api/v2/users/bad%20name/attended_events/",
        "/api/v2/users/x/presenter_events/",
        "/api/v2/events/999999/presentations/",
    ],
)
def test_unknown_user_or_event_is_json_404(api, path):
    assert api(path, status=404) == {"detail": "Not found.", "parameter": ""}


def test_user_endpoints_ignore_unknown_parameters(api):
    UserFactory(nickname="alice")

    payload = api("/api/v2/users/alice/groups/", {"order": 2, "format": "json"})

    assert payload["results_available"] == 0


def test_api_root_is_a_json_index(api):
    payload = api.client.get("/api/v2/")

    assert payload.status_code == 200
    body = payload.json()
    assert body["docs_url"] == "http://testserver/api/v2/docs/"
    assert body["openapi_url"] == "http://testserver/api/v2/openapi.json"
    assert [e["path"] for e in body["endpoints"]] == [
        "http://testserver/api/v2/events/",
        "http://testserver/api/v2/events/{event_id}/presentations/",
        "http://testserver/api/v2/groups/",
        "http://testserver/api/v2/users/",
        "http://testserver/api/v2/users/{nickname}/groups/",
        "http://testserver/api/v2/users/{nickname}/attended_events/",
        "http://testserver/api/v2/users/{nickname}/presenter_events/",
    ]


def test_deactivated_user_is_hidden(api):
    UserFactory(nickname="alice")
    User.objects.filter(nickname="alice").update(is_active=False, last_login=timezone.now())

    assert api("/api/v2/users/alice/groups/", status=404)["detail"] == "Not found."
