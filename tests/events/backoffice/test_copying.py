"""The next event in one click: a numbered draft copied from the community's latest event."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.backoffice import copying
from events.models import AuditLog, Event, TicketType
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TalkFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True)


@pytest.fixture
def community(organiser):
    return CommunityFactory(organisers=[organiser])


@pytest.fixture
def source(community):
    starts = timezone.make_aware(dt.datetime(2026, 12, 20, 19, 0), timezone.get_fixed_timezone(540))
    event = EventFactory(
        community=community,
        number=24,
        title="Docker Meetup Tokyo #24",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        venue_name="Shibuya Hall",
        address="Shibuya 1-1",
        description="Talks about containers.",
        hashtag="dockertokyo",
    )
    TicketTypeFactory(
        event=event,
        lottery=True,
        capacity=95,
        opens_at=starts - dt.timedelta(days=14),
        closes_at=starts - dt.timedelta(days=3),
        lottery_at=starts - dt.timedelta(days=3) + dt.timedelta(hours=1),
        drawn_at=None,
        position=0,
    )
    TicketTypeFactory(
        event=event,
        approval=True,
        capacity=5,
        opens_at=starts - dt.timedelta(days=14),
        closes_at=starts - dt.timedelta(days=1),
        position=1,
    )
    return event


def _day(days_after_source, source):
    return timezone.localtime(source.starts_at, source.tzinfo).date() + dt.timedelta(
        days=days_after_source
    )


def test_next_event_copies_venue_description_and_ticket_types(community, source, organiser):
    new = copying.next_event(
        community, starts_on=_day(28, source), by=organiser, now=source.starts_at
    )

    assert (new.number, new.title, new.status) == (
        25,
        "Docker Meetup Tokyo #25",
        Event.Status.DRAFT,
    )
    assert (new.venue_name, new.address, new.description, new.hashtag) == (
        "Shibuya Hall",
        "Shibuya 1-1",
        "Talks about containers.",
        "dockertokyo",
    )
    assert new.starts_at == source.starts_at + dt.timedelta(days=28)
    assert new.ends_at == source.ends_at + dt.timedelta(days=28)
    old_types = list(source.ticket_types.order_by("position"))
    new_types = list(new.ticket_types.order_by("position"))
    assert [(t.name, t.capacity, t.allocation) for t in new_types] == [
        (t.name, t.capacity, t.allocation) for t in old_types
    ]
    assert new_types[0].closes_at == old_types[0].closes_at + dt.timedelta(days=28)
    assert new_types[0].lottery_at == old_types[0].lottery_at + dt.timedelta(days=28)
    assert new.owner == organiser
    assert AuditLog.objects.get(event=new).action == "event.copy"


def test_next_event_gives_each_lottery_a_new_seed(community, source, organiser):
    new = copying.next_event(
        community, starts_on=_day(28, source), by=organiser, now=source.starts_at
    )

    old = source.ticket_types.get(allocation=TicketType.Allocation.LOTTERY)
    copy = new.ticket_types.get(allocation=TicketType.Allocation.LOTTERY)
    assert len(bytes(copy.seed)) == 32
    assert bytes(copy.seed) != bytes(old.seed)
    assert copy.commitment != old.commitment
    assert (copy.drawn_at, copy.entries_digest, copy.seats_at_draw) == (None, "", None)


def test_next_event_copies_no_registrations_talks_or_code(community, source, organiser):
    RegistrationFactory(ticket_type=source.ticket_types.first())
    TalkFactory(event=source)
    source.checkin_code = "SECRET"
    source.save()

    new = copying.next_event(
        community, starts_on=_day(28, source), by=organiser, now=source.starts_at
    )

    assert new.registrations.count() == 0
    assert new.talks.count() == 0
    assert new.checkin_code == ""


def test_next_event_refuses_a_start_in_the_past(community, source, organiser):
    with pytest.raises(copying.CopyError, match="would start in the past"):
        copying.next_event(
            community, starts_on=_day(-1, source), by=organiser, now=source.starts_at
        )
    assert Event.objects.count() == 1


def test_next_event_refuses_a_window_closing_in_the_past(community, source, organiser):
    # Starting 2 days after the source's start: the lottery would close a day ago.
    with pytest.raises(copying.CopyError, match="would close in the past"):
        copying.next_event(
            community,
            starts_on=_day(2, source),
            by=organiser,
            now=source.starts_at + dt.timedelta(days=1),
        )


def test_next_event_opens_applications_now_when_the_opening_has_passed(
    community, source, organiser
):
    now = source.starts_at + dt.timedelta(days=10)
    new = copying.next_event(community, starts_on=_day(21, source), by=organiser, now=now)

    assert {tt.opens_at for tt in new.ticket_types.all()} == {now}


def test_next_event_calls_copy_questions_when_it_exists(community, source, organiser, monkeypatch):
    calls = []
    monkeypatch.setattr(copying, "find_copy_questions", lambda: lambda a, b: calls.append((a, b)))

    new = copying.next_event(
        community, starts_on=_day(28, source), by=organiser, now=source.starts_at
    )

    assert calls == [(source, new)]


def test_next_event_without_any_event_is_refused(organiser):
    with pytest.raises(copying.CopyError, match="no event to copy"):
        copying.next_event(CommunityFactory(), starts_on=dt.date(2030, 1, 1), by=organiser)


# -- The page -------------------------------------------------------------------------------


def test_next_event_page_creates_the_draft_and_opens_its_editor(client, organiser, community):
    source = EventFactory(community=community, number=3, title="Meetup #3")
    TicketTypeFactory(event=source)
    client.force_login(organiser)
    day = timezone.localtime(source.starts_at, source.tzinfo).date() + dt.timedelta(days=7)

    response = client.post(
        reverse("admin:events_event_next", args=[community.pk]), {"starts_on": day.isoformat()}
    )

    new = Event.objects.get(number=4)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_change", args=[new.pk])
    assert new.title == "Meetup #4"


def test_next_event_page_asks_again_for_a_past_day(client, organiser, community):
    EventFactory(community=community)
    client.force_login(organiser)

    response = client.post(
        reverse("admin:events_event_next", args=[community.pk]), {"starts_on": "2020-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == [
        "2020-01-01 is in the past; pick today or a later day."
    ]
    assert Event.objects.count() == 1


def test_next_event_page_of_another_community_is_404(client, organiser):
    other = EventFactory().community
    client.force_login(organiser)

    response = client.post(
        reverse("admin:events_event_next", args=[other.pk]), {"starts_on": "2030-01-01"}
    )

    assert response.status_code == 404
    assert Event.objects.count() == 1
