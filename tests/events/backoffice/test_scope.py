"""Per-community isolation of the back office: every admin model, every role, every page.

The table is the specification: for each role, which admin pages answer and what they show.
Organisers of another community get 404 for objects and custom pages, and empty lists.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from events.audit import log
from events.models import AuditLog, Community, Event, Membership, Registration, TicketType
from events.registration import checkin as checkin_tokens
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "attendee", "other_organiser", "organiser", "superuser"]


@pytest.fixture
def world():
    organiser = UserFactory(is_staff=True)
    other_organiser = UserFactory(is_staff=True)
    community = CommunityFactory(organisers=[organiser])
    CommunityFactory(organisers=[other_organiser])
    event = EventFactory(community=community)
    ticket_type = TicketTypeFactory(
        event=event,
        lottery=True,
        opens_at=timezone.now() - dt.timedelta(days=7),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    registration = RegistrationFactory(ticket_type=ticket_type, status=Registration.Status.PENDING)
    objects = {
        Community: community,
        Event: event,
        TicketType: ticket_type,
        Registration: registration,
        Membership: Membership.objects.create(community=community, user=registration.user),
        AuditLog: log(event, organiser, "test.entry", event),
    }
    objects.update(_higher_app_objects(event))
    users = {
        "anonymous": None,
        "attendee": registration.user,
        "other_organiser": other_organiser,
        "organiser": organiser,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"objects": objects, "users": users, "event": event, "ticket_type": ticket_type}


def _higher_app_objects(event):
    """One object of each talks and reports admin model, for the same event."""
    from reports.models import Report
    from talks.models import Material, Speaker, Talk
    from tests.factories import MaterialFactory, ReportFactory, SpeakerFactory, TalkFactory

    return {
        Talk: TalkFactory(event=event),
        Material: MaterialFactory(event=event),
        Speaker: SpeakerFactory(),
        Report: ReportFactory(event=event),
    }


# What each role may do, per admin model: (changelist, change, add) expected status codes,
# and whether the community's object is listed. "login" is the redirect to the admin login.
SCOPED_ADD = {"changelist": 200, "change": 200, "add": 200, "listed": True}
SCOPED_NO_ADD = {"changelist": 200, "change": 200, "add": 403, "listed": True}
OTHER_ADD = {"changelist": 200, "change": 404, "add": 200, "listed": False}
OTHER_NO_ADD = {"changelist": 200, "change": 404, "add": 403, "listed": False}
OUT = {"changelist": "login", "change": "login", "add": "login", "listed": None}

MODEL_TABLE = {
    # model label: {role: expectation}
    "events.community": {
        "organiser": SCOPED_NO_ADD,
        "other_organiser": OTHER_NO_ADD,
        "superuser": SCOPED_ADD,
    },
    "events.event": {
        "organiser": SCOPED_ADD,
        "other_organiser": OTHER_ADD,
        "superuser": SCOPED_ADD,
    },
    "events.tickettype": {
        "organiser": SCOPED_ADD,
        "other_organiser": OTHER_ADD,
        "superuser": SCOPED_ADD,
    },
    "events.registration": {
        "organiser": SCOPED_NO_ADD,
        "other_organiser": OTHER_NO_ADD,
        "superuser": SCOPED_NO_ADD,
    },
    "events.membership": {
        "organiser": SCOPED_NO_ADD,
        "other_organiser": OTHER_NO_ADD,
        "superuser": SCOPED_ADD,
    },
    "events.auditlog": {
        "organiser": SCOPED_NO_ADD,
        "other_organiser": OTHER_NO_ADD,
        "superuser": SCOPED_NO_ADD,
    },
    "talks.talk": {"organiser": SCOPED_ADD, "other_organiser": OTHER_ADD, "superuser": SCOPED_ADD},
    "talks.material": {
        "organiser": SCOPED_ADD,
        "other_organiser": OTHER_ADD,
        "superuser": SCOPED_ADD,
    },
    # Speakers belong to no community: every organiser sees them; only superusers edit.
    "talks.speaker": {
        "organiser": {"changelist": 200, "change": 200, "add": 200, "listed": True},
        "other_organiser": {"changelist": 200, "change": 200, "add": 200, "listed": True},
        "superuser": SCOPED_ADD,
    },
    "reports.report": {
        "organiser": SCOPED_ADD,
        "other_organiser": OTHER_ADD,
        "superuser": SCOPED_ADD,
    },
}

SCOPED_APPS = {"events", "talks", "reports"}


def test_table_covers_every_registered_admin_model():
    registered = {
        model._meta.label_lower
        for model in admin.site._registry
        if model._meta.app_label in SCOPED_APPS
    }
    assert registered - set(MODEL_TABLE) == set()


def _expectation(label, role):
    if role in ("anonymous", "attendee"):
        return OUT
    return MODEL_TABLE[label][role]


def _cases():
    return [
        pytest.param(label, role, view, id=f"{label}-{role}-{view}")
        for label in MODEL_TABLE
        for role in ROLES
        for view in ("changelist", "change", "add")
    ]


def _login(client, user):
    if user is not None:
        client.force_login(user)


def _assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("label", "role", "view"), _cases())
def test_admin_model_pages_per_role(client, world, label, role, view):
    model = next(m for m in world["objects"] if m._meta.label_lower == label)
    obj = world["objects"][model]
    _login(client, world["users"][role])
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    url = {
        "changelist": reverse(f"{prefix}_changelist"),
        "change": reverse(f"{prefix}_change", args=[obj.pk]),
        "add": reverse(f"{prefix}_add"),
    }[view]
    expectation = _expectation(label, role)

    response = client.get(url)

    _assert_status(response, expectation[view])
    if view == "changelist" and expectation["listed"] is not None:
        listed = [o.pk for o in response.context["cl"].result_list]
        assert (obj.pk in listed) == expectation["listed"]


CUSTOM_PAGES = {
    "dashboard": lambda w: reverse("admin:events_event_dashboard", args=[w["event"].pk]),
    "draw": lambda w: reverse("admin:events_event_draw", args=[w["event"].pk, w["ticket_type"].pk]),
    "checkin": lambda w: reverse("admin:events_event_checkin", args=[w["event"].pk]),
    "csv": lambda w: reverse("admin:events_event_export", args=[w["event"].pk]),
    "attendees": lambda w: reverse("admin:events_event_attendees", args=[w["event"].pk]),
    "message": lambda w: reverse("admin:events_event_message", args=[w["event"].pk]),
}
CUSTOM_EXPECTED = {
    "anonymous": "login",
    "attendee": "login",
    "other_organiser": 404,
    "organiser": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(CUSTOM_PAGES))
def test_custom_pages_per_role(client, world, page, role):
    _login(client, world["users"][role])

    response = client.get(CUSTOM_PAGES[page](world))

    _assert_status(response, CUSTOM_EXPECTED[role])


@pytest.mark.parametrize("role", ["other_organiser", "attendee"])
def test_custom_page_posts_per_role_change_nothing(client, world, role):
    _login(client, world["users"][role])
    registration = world["objects"][Registration]

    draw = client.post(CUSTOM_PAGES["draw"](world))
    checkin = client.post(CUSTOM_PAGES["checkin"](world), {"receipt": registration.receipt})
    message = client.post(
        CUSTOM_PAGES["message"](world), {"audience": "all", "subject": "x", "body": "y"}
    )

    assert [draw.status_code, checkin.status_code, message.status_code] == (
        [404, 404, 404] if role == "other_organiser" else [302, 302, 302]
    )
    world["ticket_type"].refresh_from_db()
    assert world["ticket_type"].drawn_at is None


QR_EXPECTED = {
    "anonymous": 302,
    "attendee": 404,
    "other_organiser": 404,
    "organiser": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_qr_checkin_url_per_role(client, world, role):
    registration = world["objects"][Registration]
    _login(client, world["users"][role])

    response = client.get(reverse("events:checkin", args=[checkin_tokens.make_token(registration)]))

    assert response.status_code == QR_EXPECTED[role]


def test_other_organiser_cannot_pick_another_communitys_event_in_forms(client, world):
    client.force_login(world["users"]["other_organiser"])

    response = client.get(reverse("admin:events_tickettype_add"))

    choices = list(response.context["adminform"].form.fields["event"].queryset)
    assert choices == []


def test_list_filters_offer_only_own_events(client, world):
    second_event = EventFactory(community=world["event"].community)
    RegistrationFactory(ticket_type=TicketTypeFactory(event=second_event))
    other_event = EventFactory()  # another community, with a registration
    RegistrationFactory(ticket_type=TicketTypeFactory(event=other_event))
    client.force_login(world["users"]["organiser"])

    response = client.get(reverse("admin:events_registration_changelist"))

    event_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.field_path == "event"
    )
    offered = sorted(pk for pk, _label in event_filter.lookup_choices)
    assert offered == sorted([world["event"].pk, second_event.pk])


def test_actions_on_other_communitys_registrations_do_nothing(client, world):
    other_registration = RegistrationFactory(status=Registration.Status.ACCEPTED)
    client.force_login(world["users"]["organiser"])

    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "cancel", "_selected_action": [other_registration.pk]},
    )

    other_registration.refresh_from_db()
    assert response.status_code == 302
    assert other_registration.status == Registration.Status.ACCEPTED
