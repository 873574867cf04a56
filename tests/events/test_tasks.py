import pytest
from django.core import mail

from events.models import Event, Membership, Registration
from events.tasks import (
    announce_event,
    read_unsubscribe_token,
    send_new_event_mail,
    send_status_mail,
    unsubscribe_token,
)
from tests.factories import EventFactory, RegistrationFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.mark.parametrize(
    ("status", "rank", "subject"),
    [
        (S.PENDING, None, "Application received: Rust Tokyo #1"),
        (S.ACCEPTED, None, "You have a seat: Rust Tokyo #1"),
        (S.ACCEPTED, 3, "You moved up from the waitlist: Rust Tokyo #1"),
        (S.WAITLISTED, 1, "You are on the waitlist: Rust Tokyo #1"),
        (S.CANCELLED, None, "Registration cancelled: Rust Tokyo #1"),
        (S.REJECTED, None, "Application not accepted: Rust Tokyo #1"),
    ],
)
def test_status_mail_subject_per_status(status, rank, subject):
    tt = TicketTypeFactory(event=EventFactory(title="Rust Tokyo #1"))
    registration = RegistrationFactory(
        ticket_type=tt, status=status, waitlist_rank=rank, language="en"
    )
    assert send_status_mail.call(registration.pk) is True
    assert [m.subject for m in mail.outbox] == [subject]


def test_status_mail_waitlisted_tells_current_position():
    tt = TicketTypeFactory(capacity=0)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    registration = RegistrationFactory(
        ticket_type=tt, status=S.WAITLISTED, waitlist_rank=2, language="en"
    )
    send_status_mail.call(registration.pk)
    assert "You are number 2 on the waitlist" in mail.outbox[0].body


def test_status_mail_is_in_recipients_language():
    registration = RegistrationFactory(language="ja")
    send_status_mail.call(registration.pk)
    message = mail.outbox[0]
    assert (message.to, message.alternatives[0].mimetype) == (
        [registration.user.email],
        "text/html",
    )
    assert '<html lang="ja">' in message.alternatives[0].content


def test_status_mail_twice_sends_once():
    registration = RegistrationFactory(language="en")
    results = [send_status_mail.call(registration.pk) for _ in range(2)]
    assert (results, len(mail.outbox)) == ([True, False], 1)


def test_status_mail_for_deleted_user_sends_nothing():
    registration = RegistrationFactory(user=None)
    assert send_status_mail.call(registration.pk) is False


def _member(event, notify=True, language="en"):
    return Membership.objects.create(
        community=event.community, user=UserFactory(), notify_new_events=notify, language=language
    )


def test_new_event_mail_goes_to_opted_in_members_with_unsubscribe():
    event = EventFactory(title="Rust Tokyo #2")
    member = _member(event)
    _member(event, notify=False)
    announce_event(event)  # records; the on-commit send does not run in this test
    sent = send_new_event_mail.call(event.pk)
    (message,) = mail.outbox
    assert (sent, message.to) == (1, [member.user.email])
    assert message.subject == f"New event from {event.community.name}: Rust Tokyo #2"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == member.pk


def test_new_event_mail_runs_once():
    event = EventFactory()
    _member(event)
    announce_event(event)
    assert [send_new_event_mail.call(event.pk) for _ in range(2)] == [1, 0]


def test_new_event_mail_announced_twice_is_recorded_once():
    event = EventFactory()
    _member(event)
    assert [announce_event(event) for _ in range(2)] == [1, 0]
    assert [send_new_event_mail.call(event.pk) for _ in range(2)] == [1, 0]


def test_new_event_mail_skips_draft():
    event = EventFactory(status=Event.Status.DRAFT)
    _member(event)
    announce_event(event)
    assert send_new_event_mail.call(event.pk) == 0


def test_announce_event_enqueues_on_commit(django_capture_on_commit_callbacks):
    event = EventFactory()
    _member(event)
    with django_capture_on_commit_callbacks(execute=True):
        announce_event(event)
        assert mail.outbox == []
    assert len(mail.outbox) == 1


def test_unsubscribe_token_tampered_is_none():
    membership = _member(EventFactory())
    token = unsubscribe_token(membership)
    assert read_unsubscribe_token(token[:-2] + "xx") is None
