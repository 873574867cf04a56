"""Per-user rate limits (events/ratelimit.py) on apply and cancel, and allauth's on login."""

import os
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from core import ratelimit
from events.models import Registration
from tests.conftest import require
from tests.factories import PASSWORD, RegistrationFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMITED = {"apply": "2/m", "cancel": "2/m"}


@pytest.fixture
def limits(settings, monkeypatch):
    settings.MEETUP_RATE_LIMITS = LIMITED
    # Every request of a test falls in one window, whatever the wall clock does meanwhile.
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_000_000.0)


def test_parse_reads_count_and_window():
    assert [ratelimit.parse(r) for r in ("30/m", "10/5m", "1/s", "100/d", "5/h")] == [
        (30, 60),
        (10, 300),
        (1, 1),
        (100, 86400),
        (5, 3600),
    ]


@pytest.mark.parametrize("rate", ["", "30", "m/30", "30/x", "-1/m"])
def test_parse_refuses_nonsense(rate):
    with pytest.raises(ValueError):
        ratelimit.parse(rate)


def test_hit_raises_after_the_limit_with_time_left_in_window(limits):
    user = UserFactory()
    ratelimit.hit("apply", user, now=1000.0)
    ratelimit.hit("apply", user, now=1001.0)

    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.hit("apply", user, now=1010.0)

    assert (exc.value.retry_after, exc.value.retry_after_header) == (10.0, "10")


def test_hit_counts_each_user_and_action_apart(limits):
    alice, bob = UserFactory(), UserFactory()
    for _ in range(2):
        ratelimit.hit("apply", alice, now=1000.0)

    ratelimit.hit("apply", bob, now=1000.0)
    ratelimit.hit("cancel", alice, now=1000.0)


def test_hit_starts_again_in_the_next_window(limits):
    user = UserFactory()
    for _ in range(2):
        ratelimit.hit("apply", user, now=1000.0)

    ratelimit.hit("apply", user, now=1020.0)


def test_hit_is_off_when_limits_are_off(settings):
    settings.MEETUP_RATE_LIMITS = False
    user = UserFactory()

    for _ in range(100):
        ratelimit.hit("apply", user)


def test_hit_lets_actions_through_when_the_cache_fails(limits, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    user = UserFactory()

    for _ in range(5):
        ratelimit.hit("apply", user)


def test_seconds_until_allowed_and_consume_let_a_caller_count_only_successes():
    assert ratelimit.seconds_until_allowed("k", 2, 60, now=0.0) == 0
    ratelimit.consume("k", 60, now=0.0)
    ratelimit.consume("k", 60, now=1.0)

    assert ratelimit.seconds_until_allowed("k", 2, 60, now=2.0) == 58.0


def test_production_settings_limit_apply_and_cancel():
    from meetup import settings as production

    assert {action: production.MEETUP_RATE_LIMITS[action] for action in LIMITED} == {
        "apply": "30/m",
        "cancel": "30/m",
    }
    assert {
        action: ratelimit.parse(production.MEETUP_RATE_LIMITS[action]) for action in LIMITED
    } == {"apply": (30, 60), "cancel": (30, 60)}


# -- Views ------------------------------------------------------------------------------------


def _apply(client, ticket_type, **headers):
    return client.post(
        reverse("events:apply", args=[ticket_type.event_id]),
        {"ticket_type": ticket_type.pk},
        headers={"Accept-Language": "en", **headers},
    )


def test_apply_over_the_limit_is_429_with_message_and_changes_nothing(client, limits):
    user = UserFactory()
    ticket_type = TicketTypeFactory(capacity=1)
    client.force_login(user)
    for _ in range(2):
        _apply(client, TicketTypeFactory(capacity=0))  # refused attempts count too

    response = _apply(client, ticket_type)

    assert (response.status_code, response["Retry-After"].isdigit()) == (429, True)
    assert "You have done this many times in a short time." in response.text
    assert Registration.objects.filter(ticket_type=ticket_type).count() == 0


def test_apply_over_the_limit_with_htmx_answers_the_status_box(client, limits):
    user = UserFactory()
    ticket_type = TicketTypeFactory()
    client.force_login(user)
    for _ in range(2):
        _apply(client, TicketTypeFactory(capacity=0))

    response = _apply(client, ticket_type, HX_Request="true")

    assert response.status_code == 429
    assert response.text.count('id="status-box"') == 1
    assert "<html" not in response.text
    assert "You have done this many times in a short time." in response.text


def test_apply_within_the_limit_works(client, limits):
    user = UserFactory()
    ticket_type = TicketTypeFactory()
    client.force_login(user)

    response = _apply(client, ticket_type)

    assert response.status_code == 302
    assert Registration.objects.get(user=user).status == Registration.Status.ACCEPTED


def test_cancel_over_the_limit_is_429_and_keeps_the_registration(client, limits):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    url = reverse("events:cancel", args=[registration.receipt])
    for _ in range(2):
        ratelimit.hit("cancel", registration.user)

    response = client.post(url)

    registration.refresh_from_db()
    assert (response.status_code, registration.status) == (429, Registration.Status.ACCEPTED)


def test_cancel_of_an_unknown_receipt_is_404_and_not_counted(client, limits):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    statuses = [
        client.post(reverse("events:cancel", args=["NOSUCH22"])).status_code for _ in range(3)
    ]

    response = client.post(reverse("events:cancel", args=[registration.receipt]))

    assert (statuses, response.status_code) == ([404, 404, 404], 302)


def test_cancel_get_confirmation_is_not_counted(client, limits):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    url = reverse("events:cancel", args=[registration.receipt])
    for _ in range(5):
        client.get(url)

    response = client.post(url)

    registration.refresh_from_db()
    assert (response.status_code, registration.status) == (302, Registration.Status.CANCELLED)


# -- Login and sign-up (allauth) --------------------------------------------------------------


def test_production_settings_rate_limit_login_and_signup():
    from meetup import settings as production

    assert sorted(production.ACCOUNT_RATE_LIMITS) == [
        "confirm_email",
        "login",
        "login_failed",
        "reset_password",
        "signup",
    ]


def test_failed_logins_are_rate_limited_when_limits_are_on(client, settings):
    from meetup import settings as production

    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    user = UserFactory()
    url = reverse("account_login")
    for _ in range(5):
        client.post(
            url, {"login": user.email, "password": "wrong"}, headers={"Accept-Language": "en"}
        )

    # Now even the right password is refused for a while.
    response = client.post(
        url, {"login": user.email, "password": PASSWORD}, headers={"Accept-Language": "en"}
    )

    assert "Too many failed login attempts. Try again later." in response.text
    assert "_auth_user_id" not in client.session


def test_signups_are_rate_limited_when_limits_are_on(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    url = reverse("account_signup")
    statuses = [
        client.post(
            url,
            {
                "email": f"new{n}@example.com",
                "username": f"newcomer{n}",
                "password1": "a-long-password-42",
                "password2": "a-long-password-42",
            },
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_check_refills_in_the_next_window():
    ratelimit.check("k", 1, 0.5, now=1000.0)
    with pytest.raises(ratelimit.RateLimited) as exc_info:
        ratelimit.check("k", 1, 0.5, now=1000.1)
    ratelimit.check("k", 1, 0.5, now=1000.5)

    assert exc_info.value.retry_after == pytest.approx(0.4)


# -- Atomic across connections: the database cache and Redis ---------------------------------


def _burst(attempts=40, limit=10):
    """`attempts` threads count one action each at the same instant; how many got through."""
    passed, barrier = [], threading.Barrier(attempts)

    def attempt():
        barrier.wait()
        try:
            ratelimit.check("burst", limit, 60, now=6000.0)
            passed.append(1)
        except ratelimit.RateLimited:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(passed)


def _non_atomic_increment(bucket, timeout):
    """The read-then-write the limiter replaced, with a pause that widens the race."""
    used = (cache.get(bucket) or 0) + 1
    time.sleep(0.01)
    cache.set(bucket, used, timeout)
    return used


@pytest.fixture
def database_cache(settings, transactional_db, postgres):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_ratelimit_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    yield
    cache.clear()


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    try:
        cache.clear()
    except Exception as exc:
        require(False, f"needs Redis at {url} ({exc})")
    yield
    cache.clear()


@pytest.mark.postgres
def test_limit_holds_under_a_burst_on_the_database_cache(database_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "MUTEX_WAIT_SECONDS", 10.0)
    assert _burst() == 10


@pytest.mark.postgres
def test_burst_passes_a_non_atomic_counter_on_the_database_cache(database_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "_increment", _non_atomic_increment)
    assert _burst() > 10


def test_limit_holds_under_a_burst_on_redis(redis_cache):
    assert _burst() == 10


def test_burst_passes_a_non_atomic_counter_on_redis(redis_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "_increment", _non_atomic_increment)
    assert _burst() > 10
