"""The signed-in user comes from the cache (accounts/auth.py) and never outlives a change."""

import pytest
from django.test import Client

from accounts import security
from accounts.auth import CachedModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_read_once_then_from_the_cache(django_assert_num_queries):
    user = UserFactory()
    backend = CachedModelBackend()
    with django_assert_num_queries(1):
        assert backend.get_user(user.pk) == user
    with django_assert_num_queries(0):
        assert backend.get_user(user.pk) == user


def test_cached_user_renamed_shows_the_new_name_on_the_next_request():
    user = UserFactory(display_name="Before")
    client = Client()
    client.force_login(user)
    assert "Before" in client.get("/me/").text  # the copy is now cached
    user.display_name = "After Rename"
    user.save()
    page = client.get("/me/").text
    assert "After Rename" in page
    assert "Before" not in page


def test_cached_user_deactivated_is_signed_out():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/me/").status_code == 302


def test_other_sessions_end_when_secrets_are_revoked_with_the_user_cached():
    """revoke_secrets writes the new session stamp with a bulk update (no save signal): the
    cached copy, holding the old stamp, must go too or the other session would live on."""
    user = UserFactory()
    other = Client()
    other.force_login(user)
    assert other.get("/me/").status_code == 200  # cached with the old stamp
    security.revoke_secrets(user)
    assert other.get("/me/").status_code == 302


def test_deleted_user_is_signed_out():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    user.delete()
    assert client.get("/me/").status_code == 302


def test_a_new_account_keeps_the_pages_a_rename_renews_them():
    from accounts.models import User
    from core import fragments

    before = fragments.versions([fragments.SITE])
    # On no page yet: sign-ups during a rush renew nothing.
    user = User.objects.create_user(email="new@example.com", nickname="newcomer", password="x")
    assert fragments.versions([fragments.SITE]) == before
    user.display_name = "Someone Else"
    user.save()
    assert fragments.versions([fragments.SITE]) != before
