import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.models import Registration
from events.registration import reconfirm
from events.registration.allocation import RegistrationError
from tests.factories import RegistrationFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def open_reconfirmation():
    """Two seats, both taken, one person waiting; reconfirmation open for two more days."""
    now = timezone.now()
    tt = TicketTypeFactory(
        capacity=2,
        reconfirm_opens_at=now - dt.timedelta(hours=1),
        reconfirm_deadline_at=now + dt.timedelta(days=2),
    )
    first = RegistrationFactory(ticket_type=tt, status=Status.ACCEPTED)
    second = RegistrationFactory(ticket_type=tt, status=Status.ACCEPTED)
    waiting = RegistrationFactory(ticket_type=tt, status=Status.WAITLISTED, waitlist_rank=1)
    return tt, first, second, waiting


def after_deadline(tt):
    return tt.reconfirm_deadline_at + dt.timedelta(minutes=1)


def test_request_due_asks_every_accepted_attendee_once(
    open_reconfirmation, django_capture_on_commit_callbacks
):
    tt, first, second, _waiting = open_reconfirmation

    with django_capture_on_commit_callbacks(execute=True):
        asked = reconfirm.request_due()
    asked_again = reconfirm.request_due()

    assert (asked, asked_again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.user.email, second.user.email])
    assert mail.outbox[0].subject == f"Please confirm your seat: {tt.event.title}"
    assert f"/events/{tt.event_id}/reconfirm/" in mail.outbox[0].body


def test_request_due_waits_for_the_opening_time(open_reconfirmation):
    tt, *_ = open_reconfirmation

    asked = reconfirm.request_due(now=tt.reconfirm_opens_at - dt.timedelta(minutes=1))

    assert asked == 0


def test_confirm_keeps_the_seat_past_the_deadline(open_reconfirmation):
    tt, first, second, waiting = open_reconfirmation
    reconfirm.request_due()

    reconfirm.confirm(first, by=first.user)
    cancelled = reconfirm.expire_due(now=after_deadline(tt))

    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert cancelled == 1
    assert statuses == {
        first.pk: Status.ACCEPTED,
        second.pk: Status.CANCELLED,
        waiting.pk: Status.ACCEPTED,
    }


def test_expire_due_leaves_those_never_asked(open_reconfirmation):
    tt, _first, _second, _waiting = open_reconfirmation

    cancelled = reconfirm.expire_due(now=after_deadline(tt))

    assert cancelled == 0
    assert Registration.objects.filter(status=Status.ACCEPTED).count() == 2


def test_expire_due_twice_cancels_once(open_reconfirmation):
    tt, *_ = open_reconfirmation
    reconfirm.request_due()

    counts = [reconfirm.expire_due(now=after_deadline(tt)) for _ in range(2)]

    assert counts == [2, 0]


def test_confirm_after_the_deadline_is_refused(open_reconfirmation):
    tt, first, *_ = open_reconfirmation

    with pytest.raises(RegistrationError) as exc:
        reconfirm.confirm(first, by=first.user, now=after_deadline(tt))

    assert str(exc.value) == "The deadline to confirm has passed; the seat was released."
    first.refresh_from_db()
    assert first.confirmed_at is None


def test_confirm_of_someone_elses_seat_is_refused(open_reconfirmation):
    _tt, first, *_ = open_reconfirmation

    with pytest.raises(RegistrationError, match="only confirm your own seat"):
        reconfirm.confirm(first, by=UserFactory())


def test_confirm_without_a_seat_is_refused(open_reconfirmation):
    _tt, _first, _second, waiting = open_reconfirmation

    with pytest.raises(RegistrationError, match="Only a registration with a seat"):
        reconfirm.confirm(waiting, by=waiting.user)


def test_reconfirm_page_confirms_the_seat(client, open_reconfirmation):
    tt, first, *_ = open_reconfirmation
    reconfirm.request_due()
    client.force_login(first.user)

    page = client.get(f"/events/{tt.event_id}/reconfirm/")
    response = client.post(f"/events/{tt.event_id}/reconfirm/")

    assert "Yes, I am coming" in page.content.decode()
    assert response.status_code == 302
    assert response.url == f"/events/{tt.event_id}/"
    first.refresh_from_db()
    assert first.confirmed_at is not None


def test_reconfirm_page_needs_a_login(client, open_reconfirmation):
    tt, *_ = open_reconfirmation

    response = client.post(f"/events/{tt.event_id}/reconfirm/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_run_due_jobs_runs_due_reconfirmations(open_reconfirmation):
    out = io.StringIO()

    call_command("run_due_jobs", stdout=out)

    assert out.getvalue() == "Reconfirmation: 2 asked, 0 unconfirmed seats released.\n"
    assert Registration.objects.filter(reconfirm_requested_at__isnull=False).count() == 2
