"""Finding 7: sign-up told whether an address has an account. Now a sign-up with a taken
address looks exactly like a new one (allauth's enumeration prevention with mandatory
verification), and the address's owner is told by mail instead."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-42"


def signup(client, email, nickname):
    data = {
        "email": email,
        "username": nickname,
        "display_name": "Someone",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post("/accounts/signup/", data, follow=True)


def visible(response) -> str:
    """The page as a person sees it, without the per-request tokens."""
    text = re.sub(r"nonce=\"[^\"]+\"|'nonce-[^']+'", "", response.text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace("taken@example.com", "ADDRESS").replace("fresh@example.com", "ADDRESS")


def test_signup_with_a_taken_address_looks_like_a_new_signup():
    UserFactory(email="taken@example.com")
    taken = signup(Client(), "taken@example.com", "someone_else")
    fresh = signup(Client(), "fresh@example.com", "someone_new")
    assert taken.redirect_chain == fresh.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert visible(taken) == visible(fresh)
    assert "A user is already registered" not in taken.text


def test_signup_with_a_taken_address_creates_nothing_and_tells_the_owner(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # allauth's mail is queued on commit
        signup(Client(), "taken@example.com", "someone_else")
    assert User.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["taken@example.com"]]
    assert "already" in mail.outbox[0].subject.lower() + mail.outbox[0].body.lower()


def test_new_person_confirms_and_is_signed_in(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "fresh@example.com", "someone_new")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_unverified_account_cannot_sign_in_until_confirmed():
    UserFactory(email="unverified@example.com", verified=False)
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "unverified@example.com", "password": "correct-horse-battery-staple"},
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/").status_code == 302
