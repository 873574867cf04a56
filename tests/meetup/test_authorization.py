"""The authorisation sweep: every URL of the site, every role, the status each one gets.

`EXPECTED` is the specification. Its keys are the URL patterns as the URLconf spells them
(walked recursively from `get_resolver()`); a new pattern without a row fails
`test_every_url_pattern_has_an_expectation`. Django's own admin views (changelists, change
forms, …) are left to tests/events/backoffice/test_scope.py; the back office's custom pages are here.

Statuses: a number, or LOGIN for a redirect to a login page (the site's or the admin's).
GET is what the sweep sends; POST endpoints answer it with 405 and have their own IDOR tests
below: the wrong person's POST changes nothing.
"""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api import keys
from events.models import Event, Membership, Registration
from events.registration import checkin as checkin_tokens
from events.tasks import unsubscribe_token
from imports.models import ImportRun
from talks.models import Material
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    ReportFactory,
    SpeakerFactory,
    TalkFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "attendee", "other_attendee", "other_organiser", "organiser", "superuser"]
LOGIN = "login"
CALENDAR_TOKEN = "c" * 43


def walk(patterns, prefix=""):
    """(route, callback) for every pattern, nested includes flattened."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def is_builtin_admin(route, callback) -> bool:
    """Django's own admin views (covered by tests/events/backoffice/test_scope.py), not the back office's pages."""
    module = getattr(callback, "__module__", "")
    return route.startswith("admin/") and module.startswith(("django.", "django_tasks"))


def site_routes() -> list[str]:
    return sorted(
        {
            route
            for route, callback in walk(get_resolver().url_patterns)
            if not is_builtin_admin(route, callback)
        }
    )


def every(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN):
    return {**every(status), "anonymous": anonymous}


def organisers_only(*, anonymous=LOGIN, attendees=404):
    return {
        "anonymous": anonymous,
        "attendee": attendees,
        "other_attendee": attendees,
        "other_organiser": 404,
        "organiser": 200,
        "superuser": 200,
    }


def owner_only(*, anonymous=LOGIN):
    return {**every(404), "anonymous": anonymous, "attendee": 200}


PUBLIC = every(200)
# allauth sends a signed-in person away from the log-in and sign-up pages.
GUESTS_ONLY = signed_in(302, anonymous=200)
# The back office: admin_site.admin_view sends anyone who is not staff to the admin's log-in.
BACK_OFFICE = organisers_only(attendees=LOGIN)
API_WITHOUT_KEY = every(401)  # a session is not an API key

EXPECTED = {
    # meetup
    "": PUBLIC,
    "sitemap.xml": PUBLIC,
    "robots.txt": PUBLIC,
    "favicon.ico": every(301),
    "^media/(?P<path>.+)$": every(404),  # uploads are public by their name; none here
    "i18n/setlang/": every(302),
    "lang/<str:code>/": every(302),
    "feeds/reports.atom": PUBLIC,
    "communities/<slug:slug>/reports.atom": PUBLIC,
    "accounts/delete/": signed_in(200),
    "accounts/api-keys/": signed_in(200),
    "accounts/api-keys/<int:pk>/revoke/": every(405),
    "accounts/profile/": signed_in(200),
    # allauth
    "accounts/login/": GUESTS_ONLY,
    "accounts/logout/": signed_in(200, anonymous=302),
    "accounts/inactive/": PUBLIC,
    "accounts/signup/": GUESTS_ONLY,
    "accounts/reauthenticate/": signed_in(200),
    "accounts/reauthenticate/code/": signed_in(200),
    "accounts/reauthenticate/code/confirm/": signed_in(302),
    "accounts/email/": signed_in(200),
    "accounts/confirm-email/": PUBLIC,
    "accounts/password/change/": signed_in(200),
    "accounts/password/set/": signed_in(302),
    "accounts/password/reset/": PUBLIC,
    "accounts/login/code/confirm/": signed_in(302),  # no login code was requested
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": PUBLIC,
    "accounts/password/reset/key/done/": PUBLIC,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    # events
    "events/": PUBLIC,
    "events/<int:event_id>/": PUBLIC,
    "events/<int:event_id>/apply/": every(405),
    "me/": signed_in(200),
    "me/registrations/<str:receipt>/": owner_only(),
    "me/registrations/<str:receipt>/cancel/": owner_only(),
    "me/registrations/<str:receipt>/answers/": owner_only(),
    "communities/<slug:slug>/": PUBLIC,
    "communities/<slug:slug>/<str:action>/": every(405),
    "unsubscribe/<str:token>/": PUBLIC,  # the signed token is the credential
    "events/<int:event_id>/lottery/": PUBLIC,
    "events/<int:event_id>/lottery.json": PUBLIC,
    "events/<int:event_id>/reconfirm/": signed_in(200),
    "checkin/<str:token>/": organisers_only(),
    "events/<int:event_id>/self-checkin/": every(405),
    "events/<int:event_id>/calendar.ics": PUBLIC,
    "communities/<slug:slug>/calendar.ics": PUBLIC,
    "communities/<slug:slug>/events.atom": PUBLIC,
    "calendar/<str:token>.ics": PUBLIC,  # the secret token is the credential
    "me/calendar/": signed_in(200),
    "feeds/events.atom": PUBLIC,
    # talks
    "events/<int:event_id>/talks/<int:talk_id>/": PUBLIC,
    "events/<int:event_id>/materials/": every(405),
    "speakers/<int:speaker_id>/": PUBLIC,
    # reports
    "reports/": PUBLIC,
    "reports/<int:event_id>/": PUBLIC,
    "reports/<int:event_id>/preview/": organisers_only(anonymous=404),
    # api
    "api/v2/docs/": PUBLIC,
    "api/v2/openapi.json": PUBLIC,
    "api/v2/events/": API_WITHOUT_KEY,
    "api/v2/events": API_WITHOUT_KEY,
    "api/v2/events/<event_id>/presentations/": API_WITHOUT_KEY,
    "api/v2/events/<event_id>/presentations": API_WITHOUT_KEY,
    "api/v2/groups/": API_WITHOUT_KEY,
    "api/v2/groups": API_WITHOUT_KEY,
    "api/v2/users/": API_WITHOUT_KEY,
    "api/v2/users": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/groups/": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/groups": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/attended_events/": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/attended_events": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/presenter_events/": API_WITHOUT_KEY,
    "api/v2/users/<nickname>/presenter_events": API_WITHOUT_KEY,
    "api/v2/": PUBLIC,  # the API's JSON index
    "api/^(?P<rest>.*)$": every(404),
    # the back office's own pages
    "admin/events/event/<int:event_id>/dashboard/": BACK_OFFICE,
    "admin/events/event/<int:event_id>/lottery/<int:ticket_type_id>/": BACK_OFFICE,
    "admin/events/event/<int:event_id>/checkin/": BACK_OFFICE,
    "admin/events/event/<int:event_id>/registrations.csv": BACK_OFFICE,
    "admin/events/event/<int:event_id>/attendees/": BACK_OFFICE,
    "admin/events/event/<int:event_id>/message/": BACK_OFFICE,
    "admin/events/event/<int:event_id>/answers/": BACK_OFFICE,
    # the organiser home (the admin index), for every organiser and superuser
    "admin/": {**organisers_only(attendees=LOGIN), "other_organiser": 200},
    "admin/events/event/next/<int:community_id>/": BACK_OFFICE,
    # approve/reject in place: POST only (a GET is refused before any lookup)
    "admin/events/registration/<int:registration_id>/decide/": {
        **organisers_only(attendees=LOGIN),
        "other_organiser": 405,
        "organiser": 405,
        "superuser": 405,
    },
    # (the event has a report: its organisers are sent to it)
    "admin/reports/report/create/<int:event_id>/": {
        **BACK_OFFICE,
        "organiser": 302,
        "superuser": 302,
    },
    "admin/reports/report/add/": {**BACK_OFFICE, "other_organiser": 200},
    "me/speakers/<int:speaker_id>/<str:action>/": every(405),  # POST only
    # Django's log-in and "view on site", replaced (meetup/admin_views.py).
    "admin/login/": {
        "anonymous": LOGIN,
        "attendee": 403,
        "other_attendee": 403,
        "other_organiser": 302,
        "organiser": 302,
        "superuser": 302,
    },
    "admin/r/<int:content_type_id>/<path:object_id>/": {
        **organisers_only(attendees=LOGIN),
        "organiser": 302,
        "superuser": 302,
    },
    # imports from connpass: start one (into a community one organises), watch its progress
    "admin/imports/importrun/add/": {**BACK_OFFICE, "other_organiser": 200},
    "admin/imports/importrun/<path:object_id>/change/": {
        **BACK_OFFICE,
        "organiser": 302,
        "superuser": 302,
    },
    "admin/imports/importrun/<int:run_id>/progress/": BACK_OFFICE,
    # public profiles
    "users/<str:nickname>/": PUBLIC,
}


@pytest.fixture
def world():
    organiser = UserFactory(is_staff=True)
    other_organiser = UserFactory(is_staff=True)
    community = CommunityFactory(organisers=[organiser])
    CommunityFactory(organisers=[other_organiser])
    event = EventFactory(community=community, checkin_code="OPEN")
    ticket_type = TicketTypeFactory(event=event, capacity=10)
    lottery = TicketTypeFactory(
        event=event,
        lottery=True,
        opens_at=timezone.now() - dt.timedelta(days=7),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    registration = RegistrationFactory(ticket_type=ticket_type)
    attendee = registration.user
    attendee.calendar_token = CALENDAR_TOKEN
    attendee.save(update_fields=["calendar_token"])
    other_attendee = UserFactory()
    RegistrationFactory(user=other_attendee, ticket_type=lottery, status="pending")
    membership = Membership.objects.create(community=community, user=attendee)
    speaker = SpeakerFactory()
    talk = TalkFactory(event=event, speakers=[speaker])
    ReportFactory(event=event)
    api_key, _ = keys.create_key(attendee, "laptop")
    import_run = ImportRun.objects.create(community=community, subdomain="docker-tokyo")
    users = {
        "anonymous": None,
        "attendee": attendee,
        "other_attendee": other_attendee,
        "other_organiser": other_organiser,
        "organiser": organiser,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    kwargs = {
        "slug": community.slug,
        "event_id": event.pk,
        "ticket_type_id": lottery.pk,
        "talk_id": talk.pk,
        "speaker_id": speaker.pk,
        "receipt": registration.receipt,
        "pk": api_key.pk,
        "code": "en",
        "community_id": community.pk,
        "registration_id": registration.pk,
        "action": "join",
        "nickname": attendee.nickname,
        "run_id": import_run.pk,
        "key": "not-a-real-key",
        "uidb36": "1",
        "rest": "v1/event/",
        "path": "events/no-such-upload.png",
        "content_type_id": ContentType.objects.get_for_model(Event).pk,
    }
    # Two routes name their parameter object_id, for different objects.
    route_kwargs = {
        "admin/r/<int:content_type_id>/<path:object_id>/": {"object_id": event.pk},
        "admin/imports/importrun/<path:object_id>/change/": {"object_id": import_run.pk},
    }
    tokens = {
        "unsubscribe/": unsubscribe_token(membership),
        "checkin/": checkin_tokens.make_token(registration),
        "calendar/": CALENDAR_TOKEN,
    }
    return {
        "users": users,
        "kwargs": kwargs,
        "route_kwargs": route_kwargs,
        "tokens": tokens,
        "event": event,
        "registration": registration,
        "ticket_type": ticket_type,
        "membership": membership,
        "api_key": api_key,
    }


PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def concrete_url(route: str, world) -> str:
    """The route with its parameters filled in from the world."""
    token = next((t for prefix, t in world["tokens"].items() if route.startswith(prefix)), None)

    kwargs = {**world["kwargs"], **world["route_kwargs"].get(route, {})}

    def value(match):
        name = match.group(1) or match.group(2)
        return token if name == "token" else str(kwargs[name])

    path = PLACEHOLDER.sub(value, route).replace("^", "").replace("$", "")
    return "/" + path


def status_of(response):
    if response.status_code == 302 and response["Location"].startswith(
        ("/accounts/login/", "/admin/login/")
    ):
        return LOGIN
    return response.status_code


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_pattern_has_an_expectation():
    routes = site_routes()

    assert sorted(set(routes) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(routes)) == []


def test_walk_finds_patterns_inside_includes():
    routes = site_routes()

    assert {"me/registrations/<str:receipt>/cancel/", "api/v2/events"} <= set(routes)
    assert "admin/events/event/" not in routes  # Django's changelist: test_scope.py


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(route, world):
    url = concrete_url(route, world)

    got = {role: status_of(client_for(user).get(url)) for role, user in world["users"].items()}

    assert (url, got) == (url, EXPECTED[route])


# The credential itself is in these URLs: whoever holds it sees what it opens.
TOKEN_ROUTES = {"unsubscribe/<str:token>/", "calendar/<str:token>.ics"}


def test_pages_open_to_another_attendee_show_nothing_of_the_attendees(world):
    attendee = world["users"]["attendee"]
    secrets = {
        "receipt": world["registration"].receipt,
        "e-mail": attendee.email,
        "calendar token": CALENDAR_TOKEN,
        "api key prefix": world["api_key"].prefix,
    }
    client = client_for(world["users"]["other_attendee"])
    routes = [
        route
        for route, expected in EXPECTED.items()
        if expected["other_attendee"] == 200 and route not in TOKEN_ROUTES
    ]

    leaks = {
        route: name
        for route in routes
        for name, secret in secrets.items()
        if secret in client.get(concrete_url(route, world)).content.decode(errors="replace")
    }

    private = {"me/", "me/calendar/", "accounts/api-keys/", "accounts/profile/"}
    assert (private <= set(routes), leaks) == (True, {})


SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
NONCE = re.compile(r'\bnonce="([^"]+)"')


def csp_problems(response) -> list[str]:
    """What is wrong with the security headers of one HTML response (nothing, hopefully)."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    problems = []
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append("unsafe-inline/eval")
    if directives.get("frame-ancestors") != "'none'":
        problems.append("frame-ancestors")
    # Every inline script carries the nonce of this response's policy.
    body = response.content.decode(errors="replace")
    for tag in SCRIPT_TAG.findall(body):
        nonce = NONCE.search(tag)
        if "src=" not in tag and (
            nonce is None or f"'nonce-{nonce.group(1)}'" not in directives.get("script-src", "")
        ):
            problems.append("script-src nonce")
    if directives.get("object-src") != "'none'" or directives.get("base-uri") != "'none'":
        problems.append("object-src/base-uri")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    return problems


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_every_html_response_has_a_strict_content_security_policy(route, world):
    url = concrete_url(route, world)
    problems = {}
    for role, user in world["users"].items():
        response = client_for(user).get(url)
        is_html = response.headers.get("Content-Type", "").startswith("text/html")
        if is_html and (found := csp_problems(response)):
            problems[role] = found

    assert (url, problems) == (url, {})


def test_csp_check_can_fail():
    from django.http import HttpResponse

    response = HttpResponse("<p>hi</p><script>alert(1)</script>")
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"

    assert csp_problems(response) == [
        "unsafe-inline/eval",
        "frame-ancestors",
        "script-src nonce",
        "object-src/base-uri",
        "X-Frame-Options",
        "nosniff",
    ]


def test_the_sweep_sees_html_pages_for_every_role(world):
    url = concrete_url("events/<int:event_id>/", world)

    types = {
        role: client_for(user).get(url)["Content-Type"] for role, user in world["users"].items()
    }

    assert types == every("text/html; charset=utf-8")


# -- POST by the wrong person changes nothing (IDOR) -----------------------------------------


def post_as(user, url, data=None):
    return client_for(user).post(url, data or {})


@pytest.mark.parametrize("role", ["other_attendee", "other_organiser", "organiser", "superuser"])
def test_cancel_someone_elses_registration_is_404_and_it_stays_live(world, role):
    registration = world["registration"]

    response = post_as(world["users"][role], f"/me/registrations/{registration.receipt}/cancel/")

    registration.refresh_from_db()
    assert (response.status_code, registration.status) == (404, Registration.Status.ACCEPTED)


def test_cancel_anonymous_is_sent_to_log_in_and_nothing_changes(world):
    registration = world["registration"]

    response = post_as(None, f"/me/registrations/{registration.receipt}/cancel/")

    registration.refresh_from_db()
    assert (status_of(response), registration.status) == (LOGIN, Registration.Status.ACCEPTED)


@pytest.mark.parametrize("role", ["other_attendee", "other_organiser", "organiser"])
def test_revoke_someone_elses_api_key_is_404_and_it_stays_active(world, role):
    api_key = world["api_key"]

    response = post_as(world["users"][role], f"/accounts/api-keys/{api_key.pk}/revoke/")

    api_key.refresh_from_db()
    assert (response.status_code, api_key.revoked_at) == (404, None)


def test_check_in_by_token_of_another_community_is_404_and_nothing_changes(world):
    registration = world["registration"]
    token = world["tokens"]["checkin/"]

    statuses = [
        status_of(post_as(world["users"][role], f"/checkin/{token}/"))
        for role in ("anonymous", "attendee", "other_attendee", "other_organiser")
    ]

    registration.refresh_from_db()
    assert (statuses, registration.checked_in_at) == ([LOGIN, 404, 404, 404], None)


@pytest.mark.parametrize("role", ["attendee", "other_attendee", "other_organiser"])
def test_back_office_check_in_desk_post_by_outsider_changes_nothing(world, role):
    registration = world["registration"]
    url = f"/admin/events/event/{world['event'].pk}/checkin/"
    data = {"receipt": registration.receipt, "confirm": registration.receipt}

    response = post_as(world["users"][role], url, data)

    registration.refresh_from_db()
    expected = 404 if role == "other_organiser" else LOGIN
    assert (status_of(response), registration.checked_in_at) == (expected, None)


@pytest.mark.parametrize("role", ["anonymous", "attendee", "other_organiser"])
def test_back_office_draw_post_by_outsider_changes_nothing(world, role):
    ticket_type_id = world["kwargs"]["ticket_type_id"]
    url = f"/admin/events/event/{world['event'].pk}/lottery/{ticket_type_id}/"

    response = post_as(world["users"][role], url)

    expected = 404 if role == "other_organiser" else LOGIN
    pending = Registration.objects.filter(ticket_type_id=ticket_type_id, status="pending")
    assert (status_of(response), pending.count()) == (expected, 1)


@pytest.mark.parametrize("role", ["anonymous", "attendee", "other_organiser"])
def test_back_office_message_post_by_outsider_sends_nothing(world, role, mailoutbox):
    url = f"/admin/events/event/{world['event'].pk}/message/"
    data = {"audience": "accepted", "subject": "Hi", "body": "Spam"}

    response = post_as(world["users"][role], url, data)

    expected = 404 if role == "other_organiser" else LOGIN
    assert (status_of(response), len(mailoutbox)) == (expected, 0)


def test_report_preview_post_by_another_organiser_is_404(world):
    response = post_as(world["users"]["other_organiser"], f"/reports/{world['event'].pk}/preview/")

    assert response.status_code == 404


def test_unsubscribe_with_a_forged_token_is_404_and_nothing_changes(world):
    membership = world["membership"]

    response = post_as(None, "/unsubscribe/forged-token/")

    membership.refresh_from_db()
    assert (response.status_code, membership.notify_new_events) == (404, True)


def test_membership_leave_touches_only_your_own_membership(world):
    membership = world["membership"]
    slug = world["kwargs"]["slug"]

    response = post_as(world["users"]["other_attendee"], f"/communities/{slug}/leave/")

    assert (response.status_code, Membership.objects.filter(pk=membership.pk).exists()) == (
        302,
        True,
    )


def test_material_by_someone_who_was_not_there_is_not_stored(world):
    event = world["event"]
    event.starts_at = timezone.now() - dt.timedelta(hours=1)
    event.save(update_fields=["starts_at"])
    data = {"kind": "blog", "url": "https://blog.example.com/x", "title": "Mine"}

    statuses = [
        post_as(world["users"][role], f"/events/{event.pk}/materials/", data).status_code
        for role in ("other_attendee", "other_organiser")
    ]

    assert (statuses, Material.objects.count()) == ([302, 302], 0)


def test_self_check_in_of_someone_without_a_seat_checks_in_nobody(world):
    event = world["event"]
    event.starts_at = timezone.now() - dt.timedelta(minutes=10)
    event.save(update_fields=["starts_at"])

    response = post_as(
        world["users"]["other_attendee"], f"/events/{event.pk}/self-checkin/", {"code": "OPEN"}
    )

    checked_in = Registration.objects.filter(checked_in_at__isnull=False).count()
    assert (response.status_code, checked_in) == (302, 0)


def test_apply_registers_the_signed_in_user_whatever_the_form_says(world):
    newcomer = UserFactory()
    attendee = world["users"]["attendee"]
    ticket_type = world["ticket_type"]

    response = post_as(
        newcomer,
        f"/events/{world['event'].pk}/apply/",
        {"ticket_type": ticket_type.pk, "user": attendee.pk, "user_id": attendee.pk},
    )

    users = Registration.objects.filter(ticket_type=ticket_type).values_list("user_id", flat=True)
    assert (response.status_code, sorted(users)) == (302, sorted([attendee.pk, newcomer.pk]))


def test_draft_event_pages_are_404_for_everyone_but_its_back_office(world):
    draft = EventFactory(community=world["event"].community, status="draft")
    pages = [f"/events/{draft.pk}/", f"/events/{draft.pk}/lottery/", f"/reports/{draft.pk}/"]

    got = {
        role: [client_for(user).get(url).status_code for url in pages]
        for role, user in world["users"].items()
    }

    assert got == every([404, 404, 404])
