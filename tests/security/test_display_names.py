"""Finding 10: display names could impersonate (right-to-left overrides, a copy of the
organiser's or another member's name) or vanish (zero-width-only). Names are NFKC-normalised,
refused when they hold such characters or copy someone, and organisers are marked on lists."""

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import CommunityFactory, EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def save_profile(user, display_name):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": display_name})
    user.refresh_from_db()
    return response


def profile_errors(user, display_name):
    response = save_profile(user, display_name)
    if response.status_code == 302:
        return []
    return response.context["form"].errors["display_name"]


@pytest.mark.parametrize(
    "name, error",
    [
        ("\u202eoruT", "Remove the characters that change the direction of the text."),
        ("Taro\u2066", "Remove the characters that change the direction of the text."),
        ("Ta\u0007ro", "Remove the control characters."),
        ("\u200b\u200b", "Use at least one visible letter, digit or symbol."),
        ("\u3164", "Use at least one visible letter, digit or symbol."),
        ("\u2800\u200d", "Use at least one visible letter, digit or symbol."),
    ],
)
def test_display_name_with_hiding_or_reordering_characters_is_refused(name, error):
    user = UserFactory(display_name="Before")
    assert profile_errors(user, name) == [error]
    assert user.display_name == "Before"


def test_display_name_is_nfkc_normalised():
    user = UserFactory()
    assert profile_errors(user, "Ｔａｒｏ　ｻﾄｳ") == []
    assert user.display_name == "Taro サトウ"


@pytest.mark.parametrize("copy", ["Docker Organiser", "docker organiser", "ＤＯＣＫＥＲ ORGANISER"])
def test_copying_an_organisers_display_name_is_refused(copy):
    organiser = UserFactory(display_name="Docker Organiser", is_staff=True)
    CommunityFactory(organisers=[organiser])
    assert profile_errors(UserFactory(), copy) == [
        "Someone already uses this name. Choose one that tells you apart."
    ]


def test_copying_another_members_display_name_or_nickname_is_refused():
    UserFactory(display_name="Hanako", nickname="hanako_dev")
    user = UserFactory()
    taken = "Someone already uses this name. Choose one that tells you apart."
    assert profile_errors(user, "HANAKO") == [taken]
    assert profile_errors(user, "Hanako_Dev") == [taken]


def test_keeping_ones_own_name_is_fine():
    user = UserFactory(display_name="Jiro", nickname="jiro")
    assert profile_errors(user, "Jiro") == []
    assert profile_errors(user, "JIRO") == []


def test_signup_refuses_an_invisible_display_name():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "username": "new_person",
            "display_name": "\u200b",
            "password1": "a-Strong-passphrase-42",
            "password2": "a-Strong-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [
        "Use at least one visible letter, digit or symbol."
    ]
    assert User.objects.count() == 0


def test_participant_list_marks_organisers(client):
    organiser = UserFactory(display_name="Real Organiser")
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    RegistrationFactory(ticket_type__event=event, user=organiser)
    RegistrationFactory(ticket_type__event=event, user__display_name="Attendee A")
    response = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert [
        (p.name, p.is_organiser)
        for group in response.context["participant_groups"]
        for p in group.people
    ] == [
        ("Real Organiser", True),
        ("Attendee A", False),
    ]
    assert (
        '<bdi>Real Organiser</bdi></a> <span class="badge badge-brand">Organiser</span></li>'
        in response.text
    )
    assert "<bdi>Attendee A</bdi></a></li>" in response.text
