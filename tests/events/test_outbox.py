"""The outbox against a real SMTP server (aiosmtpd) started by the test."""

import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events import outbox
from events.models import Membership, OutboxMail
from events.tasks import announce_event, send_new_event_mail, send_status_mail
from tests.factories import EventFactory, RegistrationFactory, UserFactory


class RefuseOnce:
    """Accepts every recipient except `refuse`, which it refuses the first time only."""

    def __init__(self, refuse: str | None = None):
        self.refuse = refuse
        self.refused = 0
        self.delivered: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse and not self.refused:
            self.refused += 1
            return "550 5.1.1 Mailbox unavailable, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RefuseOnce()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": controller.port,
                "use_tls": False,
                "timeout": 5,
            },
        }
    }
    yield handler
    controller.stop()


def _members(event, count):
    return [
        Membership.objects.create(community=event.community, user=UserFactory(), language="en")
        for _ in range(count)
    ]


def test_new_event_mail_refused_recipient_gets_exactly_one_after_retry(postgres, smtp_server):
    event = EventFactory()
    members = _members(event, 3)
    addresses = [m.user.email for m in members]
    smtp_server.refuse = addresses[1]
    announce_event(event)

    with pytest.raises(outbox.OutboxIncomplete):
        send_new_event_mail.call(event.pk)
    first = list(smtp_server.delivered)
    retried = send_new_event_mail.call(event.pk)

    assert first == [addresses[0], addresses[2]]
    assert retried == 1
    assert sorted(smtp_server.delivered) == sorted(addresses)
    rows = OutboxMail.objects.filter(message=f"new_event:{event.pk}").order_by("pk")
    assert [(r.recipient, r.attempts, r.sent_at is not None) for r in rows] == [
        (addresses[0], 1, True),
        (addresses[1], 2, True),
        (addresses[2], 1, True),
    ]


def test_new_event_mail_retry_after_success_sends_nothing(postgres, smtp_server):
    event = EventFactory()
    _members(event, 2)
    announce_event(event)

    counts = [send_new_event_mail.call(event.pk) for _ in range(2)]

    assert (counts, len(smtp_server.delivered)) == ([2, 0], 2)


def test_status_mail_refused_once_is_sent_by_the_retry(postgres, smtp_server):
    registration = RegistrationFactory(language="en")
    smtp_server.refuse = registration.user.email

    with pytest.raises(outbox.OutboxIncomplete):
        send_status_mail.call(registration.pk)
    results = [send_status_mail.call(registration.pk) for _ in range(2)]

    assert results == [True, False]
    assert smtp_server.delivered == [registration.user.email]
    row = OutboxMail.objects.get()
    assert (row.message, row.attempts, row.last_error[:20]) == (
        f"status:{registration.pk}:{registration.status}",
        2,
        "",
    )


def test_record_same_message_and_recipient_twice_keeps_one_row(postgres):
    recorded = [outbox.record("test:1", [("a@example.com", {})]) for _ in range(2)]
    assert (recorded, OutboxMail.objects.count()) == ([1, 0], 1)


def test_record_uncounted_keeps_one_row_and_counts_nothing(postgres):
    recorded = [outbox.record("test:1", [("a@example.com", {})], counted=False) for _ in range(2)]
    assert (recorded, OutboxMail.objects.count()) == ([None, None], 1)


def test_status_mail_is_recorded_in_the_deciding_transaction(postgres):
    from events.registration import allocation
    from tests.factories import TicketTypeFactory

    tt = TicketTypeFactory(capacity=1)
    user = UserFactory()
    registration = allocation.apply(tt, user=user, language="en")  # on-commit does not run

    row = OutboxMail.objects.get()
    assert (row.message, row.recipient, row.sent_at, mail.outbox) == (
        f"status:{registration.pk}:accepted",
        user.email,
        None,
        [],
    )


def test_retry_unsent_sends_what_a_failed_task_left(postgres, smtp_server):
    event = EventFactory()
    members = _members(event, 2)
    smtp_server.refuse = members[0].user.email
    announce_event(event)
    with pytest.raises(outbox.OutboxIncomplete):
        send_new_event_mail.call(event.pk)
    OutboxMail.objects.update(created_at=timezone.now() - dt.timedelta(minutes=3))

    call_command("run_due_jobs")

    assert sorted(smtp_server.delivered) == sorted(m.user.email for m in members)
    assert OutboxMail.objects.filter(sent_at__isnull=True).count() == 0


def test_retry_unsent_leaves_recent_rows_to_their_task(postgres):
    from events.jobs import retry_unsent

    outbox.record("status:1:accepted", [("a@example.com", {})])
    assert retry_unsent() == 0


def test_draw_result_mails_refused_part_way_lose_none(postgres, smtp_server):
    from events.jobs import retry_unsent
    from events.registration import draw

    registrations = [RegistrationFactory(language="en") for _ in range(3)]
    addresses = [r.user.email for r in registrations]
    smtp_server.refuse = addresses[0]

    with pytest.raises(outbox.OutboxIncomplete):
        draw.mail_draw_results.call([r.pk for r in registrations])
    first = list(smtp_server.delivered)
    OutboxMail.objects.update(created_at=timezone.now() - dt.timedelta(minutes=3))
    retry_unsent()

    assert first == addresses[1:]
    assert sorted(smtp_server.delivered) == sorted(addresses)
