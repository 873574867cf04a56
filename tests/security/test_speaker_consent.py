"""Finding 6: any organiser could link a speaker to any account through a raw-id field,
attributing talks without consent, and the person could not undo it. Now the back office only
invites; the person accepts or declines on their profile, and can unlink later."""

import pytest
from django.core import mail
from django.test import Client

from talks import speaker_links
from talks.models import Speaker
from tests.factories import CommunityFactory, SpeakerFactory, TalkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client():
    organiser = UserFactory(is_staff=True)
    CommunityFactory(organisers=[organiser])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organiser)
    return client


def add_speaker(client, **data):
    return client.post(
        "/admin/talks/speaker/add/", {"name": "Taro Speaker", "affiliation": "", **data}
    )


def test_back_office_cannot_set_the_account_directly(organiser_client):
    person = UserFactory()
    add_speaker(organiser_client, user=person.pk)
    speaker = Speaker.objects.get()
    assert (speaker.user, speaker.invited_user) == (None, None)


def test_back_office_invites_and_links_nothing_until_accepted(
    organiser_client, django_capture_on_commit_callbacks
):
    person = UserFactory(nickname="taro_dev", email="taro@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = add_speaker(organiser_client, invite="Taro_Dev")
    speaker = Speaker.objects.get()
    assert response.status_code == 302
    assert (speaker.user, speaker.invited_user) == (None, person)
    assert [m.to for m in mail.outbox] == [["taro@example.com"]]
    assert mail.outbox[0].subject == "Are you the speaker Taro Speaker?"


def test_invite_with_an_unknown_nickname_is_refused_in_place(organiser_client):
    response = add_speaker(organiser_client, invite="nobody_here")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["invite"] == ["No account has this nickname."]


def test_person_accepts_then_unlinks_from_the_profile():
    person = UserFactory()
    speaker = SpeakerFactory(name="Taro Speaker")
    speaker_links.invite(speaker, person, by=UserFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    profile = client.get("/accounts/profile/")
    assert "Nothing is linked to your account until you accept" in profile.text
    client.post(f"/me/speakers/{speaker.pk}/accept/")
    speaker.refresh_from_db()
    assert (speaker.user, speaker.invited_user) == (person, None)
    client.post(f"/me/speakers/{speaker.pk}/unlink/")
    speaker.refresh_from_db()
    assert speaker.user is None


def test_person_declines_and_nothing_is_linked():
    person = UserFactory()
    speaker = SpeakerFactory()
    speaker_links.invite(speaker, person, by=UserFactory())
    client = Client()
    client.force_login(person)
    client.post(f"/me/speakers/{speaker.pk}/decline/")
    speaker.refresh_from_db()
    assert (speaker.user, speaker.invited_user) == (None, None)


def test_someone_else_cannot_accept_or_unlink():
    person, stranger = UserFactory(), UserFactory()
    invited = SpeakerFactory()
    speaker_links.invite(invited, person, by=UserFactory())
    linked = SpeakerFactory(user=person)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(stranger)
    response = client.post(f"/me/speakers/{invited.pk}/accept/", follow=True)
    client.post(f"/me/speakers/{linked.pk}/unlink/")
    invited.refresh_from_db()
    linked.refresh_from_db()
    assert (invited.user, linked.user) == (None, person)
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation is not yours, or it was withdrawn."
    ]


def test_talks_appear_on_the_profile_only_after_accepting():
    person = UserFactory()
    speaker = SpeakerFactory()
    TalkFactory(title="Containers at scale", speakers=[speaker])
    speaker_links.invite(speaker, person, by=UserFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    assert "Containers at scale" not in client.get("/accounts/profile/").text
    speaker_links.accept(speaker, user=person)
    assert "Containers at scale" in client.get("/accounts/profile/").text
