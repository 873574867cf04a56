"""Close applications now and move the lottery time: the published timetable changes under the
ticket type's lock, with a log entry."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import AuditLog
from events.registration import schedule
from tests.factories import TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lottery():
    return TicketTypeFactory(lottery=True)


def test_close_applications_closes_now_and_brings_the_lottery_forward(lottery):
    now = timezone.now()
    organiser = UserFactory(is_staff=True)

    schedule.close_applications(lottery, by=organiser, now=now)

    lottery.refresh_from_db()
    assert (lottery.closes_at, lottery.lottery_at) == (now, now)
    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.detail["name"]) == (
        "ticket_type.close_applications",
        organiser,
        "General (lottery)",
    )


def test_close_applications_twice_is_refused(lottery):
    schedule.close_applications(lottery, by=None)

    with pytest.raises(schedule.ScheduleError, match="already closed"):
        schedule.close_applications(lottery, by=None)
    assert AuditLog.objects.count() == 1


def test_close_applications_before_opening_is_refused():
    tt = TicketTypeFactory(opens_at=timezone.now() + dt.timedelta(days=1))

    with pytest.raises(schedule.ScheduleError, match="have not opened yet"):
        schedule.close_applications(tt, by=None)


def test_close_applications_of_a_drawn_lottery_is_refused(lottery):
    lottery.drawn_at = timezone.now()
    lottery.save()

    with pytest.raises(schedule.ScheduleError, match="already drawn"):
        schedule.close_applications(lottery, by=None)


def test_reschedule_draw_moves_the_lottery_time(lottery):
    when = lottery.closes_at + dt.timedelta(hours=2)

    schedule.reschedule_draw(lottery, when, by=None)

    lottery.refresh_from_db()
    assert lottery.lottery_at == when
    assert AuditLog.objects.get().action == "ticket_type.reschedule_draw"


def test_reschedule_draw_before_close_is_refused(lottery):
    with pytest.raises(schedule.ScheduleError, match="before applications close"):
        schedule.reschedule_draw(lottery, lottery.closes_at - dt.timedelta(minutes=1), by=None)


def test_reschedule_draw_in_the_past_is_refused(lottery):
    with pytest.raises(schedule.ScheduleError, match="in the future"):
        schedule.reschedule_draw(lottery, timezone.now() - dt.timedelta(minutes=1), by=None)


def test_reschedule_draw_of_a_first_come_type_is_refused():
    tt = TicketTypeFactory()

    with pytest.raises(schedule.ScheduleError, match="not a lottery"):
        schedule.reschedule_draw(tt, tt.closes_at + dt.timedelta(hours=1), by=None)
