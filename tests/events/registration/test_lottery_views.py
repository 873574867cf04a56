import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.registration import draw
from tests.factories import EventFactory, RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def drawn_lottery(entries: int, capacity: int = 5):
    now = timezone.now()
    tt = TicketTypeFactory(
        lottery=True,
        capacity=capacity,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    Registration.objects.bulk_create(
        Registration(ticket_type=tt, event=tt.event, status=Status.PENDING) for _ in range(entries)
    )
    draw.draw(tt, notify=False)
    return tt


@pytest.mark.parametrize("entries", [10, 300])
def test_lottery_page_queries_do_not_grow_with_entries(client, django_assert_num_queries, entries):
    tt = drawn_lottery(entries)

    with django_assert_num_queries(6):
        response = client.get(f"/events/{tt.event_id}/lottery/")

    assert response.status_code == 200


@pytest.mark.parametrize("entries", [10, 300])
def test_lottery_json_queries_do_not_grow_with_entries(client, django_assert_num_queries, entries):
    tt = drawn_lottery(entries)

    with django_assert_num_queries(3):
        response = client.get(f"/events/{tt.event_id}/lottery.json")

    assert len(response.json()["ticket_types"][0]["entries"]) == entries


def test_lottery_page_paginates_the_table(client):
    tt = drawn_lottery(250)

    response = client.get(f"/events/{tt.event_id}/lottery/?page=3")

    assert [row["rank"] for row in response.context["page_obj"].rows] == list(range(101, 151))
    assert 'aria-current="page">3<' in response.content.decode()


def test_find_my_receipt_opens_its_page_and_marks_the_row(client):
    tt = drawn_lottery(250)
    mine = Registration.objects.get(ticket_type=tt, draw_rank=123)

    response = client.get(f"/events/{tt.event_id}/lottery/", {"receipt": mine.receipt.lower()})

    page = response.content.decode()
    assert response.context["page_obj"].number == 3
    assert f"Receipt {mine.receipt} has rank 123." in page
    assert page.count('class="is-found"') == 1


def test_find_an_unknown_receipt_says_so(client):
    tt = drawn_lottery(5)

    page = client.get(f"/events/{tt.event_id}/lottery/", {"receipt": "NOPE2345"}).content.decode()

    assert "No entry with receipt NOPE2345 in this draw." in page


def test_lottery_page_before_the_draw_explains_what_will_be_published(client):
    tt = TicketTypeFactory(lottery=True)

    page = client.get(f"/events/{tt.event_id}/lottery/").content.decode()

    assert "Not drawn yet" in page
    assert "Secret until the draw." in page
    assert tt.commitment in page


def test_lottery_page_of_an_event_without_lottery_is_friendly(client):
    tt = TicketTypeFactory()

    page = client.get(f"/events/{tt.event_id}/lottery/").content.decode()

    assert "No lottery at this event" in page


def test_lottery_pages_of_a_draft_event_are_not_found(client):
    event = EventFactory(status=Event.Status.DRAFT)

    statuses = [
        client.get(f"/events/{event.pk}/lottery/").status_code,
        client.get(f"/events/{event.pk}/lottery.json").status_code,
    ]

    assert statuses == [404, 404]


def test_event_page_links_to_the_audit_page_which_shows_the_commitment(client):
    tt = drawn_lottery(3)

    event_page = client.get(f"/events/{tt.event_id}/").content.decode()
    audit_page = client.get(f"/events/{tt.event_id}/lottery/").content.decode()

    assert f'<a href="/events/{tt.event_id}/lottery/">How this lottery is fair →</a>' in event_page
    assert tt.commitment not in event_page  # the verification details live on the audit page
    assert tt.commitment in audit_page
    assert bytes(tt.seed).hex() not in event_page  # the event page never shows the seed


def test_event_page_describes_the_weighting_rule_when_enabled(client):
    tt = TicketTypeFactory(lottery=True, weighting="history")

    page = client.get(f"/events/{tt.event_id}/").content.decode()

    assert "Weighting rule “history”" in page


def test_event_page_status_box_shows_the_draw_date(client):
    tt = drawn_lottery(3, capacity=1)
    mine = RegistrationFactory(
        ticket_type=tt, status=Status.WAITLISTED, waitlist_rank=99, draw_rank=4
    )
    client.force_login(mine.user)

    page = client.get(f"/events/{tt.event_id}/").content.decode()

    assert "Lottery drawn on" in page
    assert "Waitlist #3" in page
