import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


def signup(client, **overrides):
    data = {
        "email": "new@example.com",
        "username": "new_person",
        "display_name": "New Person",
        "password1": "a-Strong-passphrase-42",
        "password2": "a-Strong-passphrase-42",
        **overrides,
    }
    return client.post(reverse("account_signup"), data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_signup_creates_user_and_sends_verification_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert (user.nickname, user.display_name) == ("new_person", "New Person")
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_with_mismatched_passwords_shows_error(client):
    response = signup(client, password2="something-else-42")
    assert response.status_code == 200
    assert "You must type the same password each time." in response.text
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_weak_password_shows_error(client):
    response = signup(client, password1="password", password2="password")
    assert response.status_code == 200
    assert "This password is too common." in response.text
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_overlong_display_name_shows_error(client):
    response = signup(client, display_name="x" * 10_000)
    assert response.status_code == 200
    assert "Ensure this value has at most 50 characters" in response.text
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_invalid_nickname_shows_error(client):
    response = signup(client, username="no spaces!")
    assert response.status_code == 200
    assert "Use 3 to 30 letters, digits, hyphens or underscores." in response.text
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_profile_edit_saves_display_name(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "Taro"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Taro"


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_delete_account_needs_nickname_confirmation(client):
    user = UserFactory(nickname="taro")
    client.force_login(user)
    response = client.post(
        reverse("delete_account"), {"confirm": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "That is not your nickname." in response.text
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post(reverse("delete_account"), {"confirm": "taro"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
