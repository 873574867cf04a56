"""The lottery screen: close applications now, move the lottery, draw; back to the event."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True)


@pytest.fixture
def lottery(organiser):
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    tt = TicketTypeFactory(event=event, lottery=True, capacity=1)
    for _ in range(3):
        RegistrationFactory(ticket_type=tt, status=S.PENDING)
    return tt


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client


def _url(tt):
    return reverse("admin:events_event_draw", args=[tt.event_id, tt.pk])


def test_lottery_screen_offers_to_close_with_the_entry_count(org_client, lottery):
    response = org_client.get(_url(lottery))

    body = response.content.decode()
    assert response.context["can_close"] is True
    assert 'name="step" value="close"' in body
    assert "3 people have applied so far." in body


def test_close_then_draw_from_the_lottery_screen(org_client, lottery):
    closed = org_client.post(_url(lottery), {"step": "close"})
    lottery.refresh_from_db()
    drawn = org_client.post(_url(lottery), {"step": "draw"})

    lottery.refresh_from_db()
    assert closed["Location"] == _url(lottery)
    assert drawn["Location"] == reverse("admin:events_event_dashboard", args=[lottery.event_id])
    assert lottery.is_drawn
    statuses = sorted(lottery.registrations.values_list("status", flat=True))
    assert statuses == [S.ACCEPTED, S.WAITLISTED, S.WAITLISTED]


def test_reschedule_from_the_lottery_screen_reads_the_event_time_zone(org_client, lottery):
    lottery.event.timezone = "Asia/Tokyo"
    lottery.event.save()
    local = timezone.localtime(lottery.closes_at, lottery.event.tzinfo) + dt.timedelta(hours=2)

    response = org_client.post(
        _url(lottery), {"step": "reschedule", "lottery_at": local.strftime("%Y-%m-%dT%H:%M")}
    )

    lottery.refresh_from_db()
    assert response["Location"] == _url(lottery)
    assert lottery.lottery_at == local.replace(second=0, microsecond=0)


def test_reschedule_before_close_shows_the_error_in_place(org_client, lottery):
    local = timezone.localtime(lottery.closes_at, lottery.event.tzinfo) - dt.timedelta(hours=2)

    response = org_client.post(
        _url(lottery), {"step": "reschedule", "lottery_at": local.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 200
    assert (
        response.context["reschedule_form"]
        .errors["lottery_at"][0]
        .startswith("The lottery cannot run before applications close")
    )


def test_lottery_screen_after_an_early_draw_shows_the_actual_time(org_client, lottery):
    tokyo = lottery.event.tzinfo
    drawn = timezone.make_aware(dt.datetime(2026, 11, 30, 10, 5), tokyo)
    lottery.drawn_at = drawn
    lottery.save()

    response = org_client.get(_url(lottery))

    body = response.content.decode()
    assert "This lottery was drawn on 2026-11-30 10:05." in body
    assert "It was planned for" in body


def test_lottery_screen_of_another_community_is_404(org_client):
    other = TicketTypeFactory(lottery=True)

    response = org_client.post(_url(other), {"step": "close"})

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.closes_at > timezone.now()


def test_saving_a_ticket_type_returns_to_the_event(org_client, lottery):
    url = reverse("admin:events_tickettype_change", args=[lottery.pk])
    form = org_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    for name in ("opens_at", "closes_at", "lottery_at", "moveup_cutoff_at",
                 "reconfirm_opens_at", "reconfirm_deadline_at"):  # fmt: skip
        value = getattr(lottery, name)
        local = timezone.localtime(value, lottery.event.tzinfo) if value else None
        data[name] = local.strftime("%Y-%m-%dT%H:%M") if local else ""

    response = org_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == reverse("admin:events_event_dashboard", args=[lottery.event_id])
