"""core/fragments.py: a skeleton kept for everyone, personal blocks kept per person."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils.csp import LazyNonce

from core import fragments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "page.html": (
        "{% load fragments %}<p>public {{ counter }}</p>"
        '<script nonce="{{ csp_nonce }}"></script>'
        "{% personal who %}<b>{{ user.pk }}:{{ mood }}</b>{% endpersonal %}"
        "{% personal flash fresh %}<i>{{ user.pk }}</i>{% endpersonal %}"
    ),
    "moving.html": (
        "{% load fragments %}<p>public {{ counter }}</p>"
        "{% personal list shared %}<ul>{{ listed }}</ul>{% endpersonal %}"
        "{% personal who %}<b>{{ user.pk }}:{{ seen }}</b>{% endpersonal %}"
    ),
    "leaky.html": (
        "{% load fragments %}<form>{% csrf_token %}</form>"
        "{% personal who %}{{ user.pk }}{% endpersonal %}"
    ),
}


@pytest.fixture(autouse=True)
def templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", TEMPLATES),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


class Calls:
    def __init__(self):
        self.public = self.personal = 0


def page(template, user, calls, csrf_secret="s" * 32, mood="happy", expires=None):
    request = RequestFactory().get("/page/")
    request.user = user
    request._csp_nonce = LazyNonce()
    if csrf_secret:
        request.META["CSRF_COOKIE"] = csrf_secret

    def public():
        calls.public += 1
        return {"counter": calls.public}, {}

    def personal(shared):
        calls.personal += 1
        return {"mood": mood}

    response = fragments.render_page(
        request,
        template,
        scopes=["thing:1"],
        public=public,
        personal=personal,
        expires=lambda shared: expires,
    )
    return response.content.decode(), str(request._csp_nonce)


def test_skeleton_rendered_once_and_blocks_once_per_person():
    alice, bob, calls = UserFactory(), UserFactory(), Calls()
    for _ in range(3):
        assert f"<b>{alice.pk}:happy</b>" in page("page.html", alice, calls)[0]
        body = page("page.html", bob, calls)[0]
        assert f"<b>{bob.pk}:happy</b>" in body
        assert f"<b>{alice.pk}" not in body
    assert (calls.public, calls.personal) == (1, 2)


def test_fresh_block_rendered_on_every_request():
    alice, calls = UserFactory(), Calls()
    for _ in range(2):
        assert f"<i>{alice.pk}</i>" in page("page.html", alice, calls)[0]
    # The kept blocks were made once, but the fresh one is part of every answer.
    assert calls.personal == 1


def test_each_answer_carries_its_own_nonce():
    alice, calls = UserFactory(), Calls()
    _, first_nonce = page("page.html", alice, calls)
    second, second_nonce = page("page.html", alice, calls)
    assert first_nonce != second_nonce
    assert f'nonce="{second_nonce}"' in second
    assert first_nonce not in second


def test_changed_scope_renders_anew_for_everyone():
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls)
    fragments.changed("thing:1")
    assert "public 2" in page("page.html", alice, calls)[0]
    assert calls.personal == 2


def test_changed_bumps_again_once_the_transaction_commits(django_capture_on_commit_callbacks):
    """A page rendered between the write and its commit read the old data: the second bump,
    after the commit, makes sure it is not the one kept."""
    before = fragments.versions(["thing:1"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fragments.changed("thing:1")
    during = fragments.versions(["thing:1"])
    for callback in callbacks:
        callback()
    assert len({*before, *during, *fragments.versions(["thing:1"])}) == 3


def test_blocks_not_kept_without_a_csrf_cookie():
    """The blocks hold a CSRF token: without a secret to bind them to, they are not kept."""
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls, csrf_secret="")
    page("page.html", alice, calls, csrf_secret="")
    assert (calls.public, calls.personal) == (1, 2)


def test_blocks_kept_per_csrf_secret():
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls, csrf_secret="a" * 32, mood="first")
    body = page("page.html", alice, calls, csrf_secret="b" * 32, mood="second")[0]
    assert f"<b>{alice.pk}:second</b>" in body


def test_page_with_a_csrf_token_outside_a_personal_block_is_never_kept(caplog):
    alice, bob, calls = UserFactory(), UserFactory(), Calls()
    page("leaky.html", alice, calls)
    page("leaky.html", bob, calls)
    assert calls.public == 2
    assert "CSRF token outside" in caplog.text


def test_nothing_kept_past_the_moment_the_page_changes_by_itself():
    from django.utils import timezone

    alice, calls = UserFactory(), Calls()
    now = timezone.now()
    page("page.html", alice, calls, expires=now)  # changes now: keep nothing
    page("page.html", alice, calls, expires=now)
    assert (calls.public, calls.personal) == (2, 2)


def test_remember_computes_once_per_version():
    made = []
    for _ in range(2):
        assert fragments.remember("x", ["thing:2"], lambda: made.append(1) or "value") == "value"
    fragments.changed("thing:2")
    fragments.remember("x", ["thing:2"], lambda: made.append(1) or "value")
    assert len(made) == 2


def test_kept_blocks_missing_one_of_the_skeletons_are_rendered_again(monkeypatch):
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls)
    real = fragments.cache.get_many

    def blocks_of_another_skeleton(keys):
        found = real(keys)
        return {k: {} if k.startswith("personal-blocks:") else v for k, v in found.items()}

    monkeypatch.setattr(fragments.cache, "get_many", blocks_of_another_skeleton)
    assert f"<b>{alice.pk}:happy</b>" in page("page.html", alice, calls)[0]
    assert calls.personal == 2


def test_while_another_request_renders_the_new_skeleton_the_one_before_is_served(monkeypatch):
    alice, bob, calls = UserFactory(), UserFactory(), Calls()
    page("page.html", alice, calls)
    fragments.changed("thing:1")  # an application: the skeleton must be rendered anew
    monkeypatch.setattr(fragments, "_start_rendering", lambda key: False)  # someone is at it
    body = page("page.html", bob, calls, mood="fresh")[0]
    assert "public 1" in body  # one render behind
    assert f"<b>{bob.pk}:fresh</b>" in body  # the person's own blocks are still theirs, now
    assert calls.public == 1


def test_the_renderer_releases_the_page_for_the_next_change():
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls)
    for expected in (2, 3):
        fragments.changed("thing:1")
        assert f"public {expected}" in page("page.html", alice, calls)[0]


def test_a_failed_render_drops_the_skeleton_before(monkeypatch):
    """An event unpublished while others wait must not stay visible from the old skeleton."""
    alice, calls = UserFactory(), Calls()
    page("page.html", alice, calls)
    fragments.changed("thing:1")

    def gone():
        raise Http404

    request = RequestFactory().get("/page/")
    request.user, request._csp_nonce = alice, LazyNonce()
    with pytest.raises(Http404):
        fragments.render_page(
            request, "page.html", scopes=["thing:1"], public=gone, personal=lambda shared: {}
        )
    monkeypatch.setattr(fragments, "_start_rendering", lambda key: False)
    assert "public 2" in page("page.html", alice, calls)[0]  # rendered, nothing old served


def moving_page(user, calls, listed):
    request = RequestFactory().get("/moving/")
    request.user, request._csp_nonce = user, LazyNonce()
    request.META["CSRF_COOKIE"] = "s" * 32

    def public():
        calls.public += 1
        return {"counter": calls.public}, {"base": 1}

    def moving(shared):
        calls.moving = getattr(calls, "moving", 0) + 1
        return {"listed": listed}, {"seen": listed}

    def personal(shared):
        calls.personal += 1
        return {"seen": shared["seen"]}

    return fragments.render_page(
        request,
        "moving.html",
        scopes=["thing:3"],
        moving_scopes=["thing:3:often"],
        public=public,
        moving=moving,
        personal=personal,
    ).content.decode()


def test_a_moving_scope_renews_its_shared_blocks_and_the_personal_ones_not_the_page():
    alice, bob, calls = UserFactory(), UserFactory(), Calls()
    moving_page(alice, calls, "one")
    moving_page(bob, calls, "one")
    fragments.changed("thing:3:often")
    body = moving_page(alice, calls, "two")
    assert "<ul>two</ul>" in body
    assert f"<b>{alice.pk}:two</b>" in body  # personal blocks read the moving data
    assert "<ul>two</ul>" in moving_page(bob, calls, "three")  # kept for everyone: not "three"
    assert (calls.public, calls.moving, calls.personal) == (1, 2, 4)


def test_a_changed_page_scope_renews_everything():
    alice, calls = UserFactory(), Calls()
    moving_page(alice, calls, "one")
    fragments.changed("thing:3")
    assert "public 2" in moving_page(alice, calls, "one")
    assert (calls.public, calls.moving) == (2, 2)


def test_blocks_made_from_the_one_before_are_not_kept(monkeypatch):
    """Kept under the new versions, blocks made from what was one render behind would stay
    behind until they expire."""
    alice, calls = UserFactory(), Calls()
    moving_page(alice, calls, "one")
    fragments.changed("thing:3:often")
    monkeypatch.setattr(fragments, "_start_rendering", lambda key: False)  # someone is at it
    assert f"<b>{alice.pk}:one</b>" in moving_page(alice, calls, "two")  # one render behind
    monkeypatch.undo()
    assert f"<b>{alice.pk}:two</b>" in moving_page(alice, calls, "two")
