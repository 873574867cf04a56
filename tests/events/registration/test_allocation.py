import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.models import AuditLog, Event, OutboxMail, Registration, TicketType
from events.registration import allocation
from events.registration.allocation import RegistrationError
from tests.factories import (
    CommunityFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


def statuses(ticket_type):
    return list(
        Registration.objects.filter(ticket_type=ticket_type)
        .order_by("pk")
        .values_list("status", "waitlist_rank")
    )


def test_apply_first_come_with_free_seat_is_accepted():
    tt = TicketTypeFactory(capacity=2)
    registration = allocation.apply(tt, user=UserFactory())
    assert (registration.status, registration.waitlist_rank) == (S.ACCEPTED, None)
    assert len(registration.receipt) == 8


def test_apply_first_come_when_full_is_waitlisted_in_arrival_order():
    tt = TicketTypeFactory(capacity=1)
    for _ in range(3):
        allocation.apply(tt, user=UserFactory())
    assert statuses(tt) == [(S.ACCEPTED, None), (S.WAITLISTED, 1), (S.WAITLISTED, 2)]


def test_apply_lottery_before_draw_is_pending():
    tt = TicketTypeFactory(lottery=True, capacity=1)
    registration = allocation.apply(tt, user=UserFactory())
    assert registration.status == S.PENDING


def test_apply_lottery_after_draw_joins_end_of_waitlist():
    tt = TicketTypeFactory(lottery=True, capacity=1)
    RegistrationFactory(ticket_type=tt, status=S.ACCEPTED, draw_rank=1)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, draw_rank=2, waitlist_rank=2)
    now = timezone.now()
    TicketType.objects.filter(pk=tt.pk).update(
        drawn_at=now, opens_at=now - dt.timedelta(days=2), closes_at=now - dt.timedelta(hours=1)
    )
    registration = allocation.apply(tt, user=UserFactory())
    assert (registration.status, registration.waitlist_rank) == (S.WAITLISTED, 3)


def test_apply_approval_type_is_pending_until_decided():
    tt = TicketTypeFactory(approval=True)
    registration = allocation.apply(tt, user=UserFactory())
    assert registration.status == S.PENDING


def test_apply_records_language_and_show_in_list():
    tt = TicketTypeFactory()
    registration = allocation.apply(tt, user=UserFactory(), show_in_list=False, language="en")
    registration.refresh_from_db()
    assert (registration.show_in_list, registration.language) == (False, "en")


def test_apply_twice_to_same_event_is_refused():
    tt = TicketTypeFactory()
    other = TicketTypeFactory(event=tt.event, name="Other")
    user = UserFactory()
    allocation.apply(tt, user=user)
    with pytest.raises(RegistrationError, match="already registered"):
        allocation.apply(other, user=user)
    assert Registration.objects.filter(user=user).count() == 1


def test_apply_after_cancelling_is_allowed_again():
    tt = TicketTypeFactory()
    user = UserFactory()
    first = allocation.apply(tt, user=user)
    allocation.cancel(first, by=user)
    second = allocation.apply(tt, user=user)
    assert (second.status, Registration.objects.filter(user=user).count()) == (S.ACCEPTED, 2)


def test_apply_already_registered_leaves_no_row_and_no_mail():
    tt = TicketTypeFactory(capacity=5)
    user = UserFactory()
    first = allocation.apply(tt, user=user)
    mail.outbox.clear()
    # No query asks first: the partial unique index refuses the row, the transaction rolls back.
    with pytest.raises(RegistrationError, match="already registered"):
        allocation.apply(tt, user=user)
    assert list(Registration.objects.filter(user=user)) == [first]
    assert OutboxMail.objects.exclude(message__startswith=f"status:{first.pk}:").count() == 0
    assert mail.outbox == []


def test_apply_waitlist_position_counts_only_those_still_waiting():
    tt = TicketTypeFactory(capacity=1)
    allocation.apply(tt, user=UserFactory())
    waiting = [allocation.apply(tt, user=UserFactory()) for _ in range(3)]
    allocation.cancel(waiting[1], by=waiting[1].user)

    newcomer = allocation.apply(tt, user=UserFactory())

    # Rank 4 (ranks are never reused), place 3: the one who left is not ahead any more.
    assert (newcomer.waitlist_rank, newcomer.waitlist_position) == (4, 3)
    assert Registration.objects.get(pk=newcomer.pk).waitlist_position == 3


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda tt: Event.objects.filter(pk=tt.event_id).update(status="draft"), "not open"),
        (lambda tt: Event.objects.filter(pk=tt.event_id).update(status="cancelled"), "cancelled"),
        (
            lambda tt: TicketType.objects.filter(pk=tt.pk).update(
                opens_at=timezone.now() + dt.timedelta(days=1)
            ),
            "open on",
        ),
        (
            lambda tt: TicketType.objects.filter(pk=tt.pk).update(
                opens_at=timezone.now() - dt.timedelta(days=3),
                closes_at=timezone.now() - dt.timedelta(days=2),
            ),
            "are closed",
        ),
        (
            lambda tt: Event.objects.filter(pk=tt.event_id).update(
                starts_at=timezone.now() - dt.timedelta(hours=1)
            ),
            "already started",
        ),
    ],
    ids=["draft", "cancelled", "not-yet-open", "closed", "started"],
)
def test_apply_refused_changes_nothing(arrange, message):
    tt = TicketTypeFactory()
    arrange(tt)
    with pytest.raises(RegistrationError, match=message):
        allocation.apply(tt, user=UserFactory())
    assert Registration.objects.count() == 0


def test_apply_without_verified_email_is_refused():
    tt = TicketTypeFactory()
    with pytest.raises(RegistrationError, match="verify your e-mail"):
        allocation.apply(tt, user=UserFactory(verified=False))
    assert Registration.objects.count() == 0


def test_cancel_accepted_promotes_first_waitlisted(django_capture_on_commit_callbacks):
    tt = TicketTypeFactory(capacity=1)
    users = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        regs = [allocation.apply(tt, user=u, language="en") for u in users]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        allocation.cancel(regs[0], by=users[0])
    assert statuses(tt) == [(S.CANCELLED, None), (S.ACCEPTED, 1), (S.WAITLISTED, 2)]
    assert Registration.objects.get(pk=regs[2].pk).waitlist_position == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([users[0].email], f"Registration cancelled: {tt.event.title}"),
        ([users[1].email], f"You moved up from the waitlist: {tt.event.title}"),
    ]


def test_cancel_waitlisted_promotes_nobody():
    tt = TicketTypeFactory(capacity=1)
    users = UserFactory.create_batch(3)
    regs = [allocation.apply(tt, user=u) for u in users]
    allocation.cancel(regs[1], by=users[1])
    assert statuses(tt) == [(S.ACCEPTED, None), (S.CANCELLED, 1), (S.WAITLISTED, 2)]
    assert Registration.objects.get(pk=regs[2].pk).waitlist_position == 1


def test_cancel_after_moveup_cutoff_promotes_nobody():
    tt = TicketTypeFactory(capacity=1, moveup_cutoff_at=timezone.now() - dt.timedelta(minutes=1))
    users = UserFactory.create_batch(2)
    regs = [allocation.apply(tt, user=u) for u in users]
    allocation.cancel(regs[0], by=users[0])
    assert statuses(tt) == [(S.CANCELLED, None), (S.WAITLISTED, 1)]


def test_cancel_someone_elses_registration_is_refused():
    tt = TicketTypeFactory()
    registration = allocation.apply(tt, user=UserFactory())
    with pytest.raises(RegistrationError, match="your own"):
        allocation.cancel(registration, by=UserFactory())
    assert Registration.objects.get().status == S.ACCEPTED


def test_cancel_by_organiser_is_logged():
    organiser = UserFactory(is_staff=True)
    tt = TicketTypeFactory()
    tt.event.community.organisers.add(organiser)
    registration = allocation.apply(tt, user=UserFactory())
    allocation.cancel(registration, by=organiser)
    assert AuditLog.objects.filter(action="registration.cancel").count() == 1


def test_cancel_by_organiser_of_another_community_is_refused():
    staff = UserFactory(is_staff=True)
    tt = TicketTypeFactory()
    CommunityFactory().organisers.add(staff)
    registration = allocation.apply(tt, user=UserFactory())
    with pytest.raises(RegistrationError, match="your own"):
        allocation.cancel(registration, by=staff)
    assert Registration.objects.get().status == S.ACCEPTED


def test_cancel_twice_is_refused():
    tt = TicketTypeFactory()
    user = UserFactory()
    registration = allocation.apply(tt, user=user)
    allocation.cancel(registration, by=user)
    with pytest.raises(RegistrationError, match="already cancelled"):
        allocation.cancel(registration, by=user)


def test_cancel_checked_in_is_refused():
    tt = TicketTypeFactory()
    user = UserFactory()
    registration = allocation.apply(tt, user=user)
    allocation.check_in(registration, by=None)
    with pytest.raises(RegistrationError, match="checked in"):
        allocation.cancel(registration, by=user)


def test_promote_lottery_before_draw_does_nothing():
    tt = TicketTypeFactory(lottery=True, capacity=2)
    RegistrationFactory(ticket_type=tt, status=S.WAITLISTED, waitlist_rank=1)
    with allocation.transaction.atomic():
        promoted = allocation.promote(allocation.lock_ticket_type(tt))
    assert promoted == []


def test_set_capacity_raise_promotes_in_rank_order():
    tt = TicketTypeFactory(capacity=1)
    regs = [allocation.apply(tt, user=UserFactory()) for _ in range(4)]
    allocation.set_capacity(tt, 3, by=None)
    assert statuses(tt) == [
        (S.ACCEPTED, None),
        (S.ACCEPTED, 1),
        (S.ACCEPTED, 2),
        (S.WAITLISTED, 3),
    ]
    assert Registration.objects.get(pk=regs[3].pk).waitlist_position == 1


def test_set_capacity_below_accepted_is_refused():
    tt = TicketTypeFactory(capacity=3)
    for _ in range(2):
        allocation.apply(tt, user=UserFactory())
    with pytest.raises(RegistrationError, match="cannot go below"):
        allocation.set_capacity(tt, 1, by=None)
    tt.refresh_from_db()
    assert tt.capacity == 3


def test_approve_and_reject_pending():
    tt = TicketTypeFactory(approval=True, capacity=1)
    first, second = (allocation.apply(tt, user=UserFactory()) for _ in range(2))
    allocation.approve(first, by=None)
    allocation.reject(second, by=None)
    assert statuses(tt) == [(S.ACCEPTED, None), (S.REJECTED, None)]


def test_approve_when_full_is_refused():
    tt = TicketTypeFactory(approval=True, capacity=1)
    first, second = (allocation.apply(tt, user=UserFactory()) for _ in range(2))
    allocation.approve(first, by=None)
    with pytest.raises(RegistrationError, match="No seat is free"):
        allocation.approve(second, by=None)


def test_move_to_type_with_seat_frees_old_seat_for_waitlist():
    tt = TicketTypeFactory(capacity=1)
    other = TicketTypeFactory(event=tt.event, capacity=1, name="Blog")
    first, _second = (allocation.apply(tt, user=UserFactory()) for _ in range(2))
    moved = allocation.move(first, other, by=None)
    assert (moved.ticket_type_id, moved.status) == (other.pk, S.ACCEPTED)
    assert statuses(tt) == [(S.CANCELLED, None), (S.ACCEPTED, 1)]


def test_move_keeps_the_old_registration_as_a_cancelled_record():
    tt = TicketTypeFactory(capacity=2)
    other = TicketTypeFactory(event=tt.event, capacity=1, name="Blog")
    first = allocation.apply(tt, user=UserFactory())
    Registration.objects.filter(pk=first.pk).update(draw_rank=7)
    moved = allocation.move(first, other, by=None)
    first.refresh_from_db()
    assert (first.status, first.draw_rank, first.ticket_type_id) == (S.CANCELLED, 7, tt.pk)
    assert (moved.user_id, moved.receipt == first.receipt) == (first.user_id, False)


def test_move_to_full_or_foreign_type_is_refused():
    tt = TicketTypeFactory(capacity=1)
    full = TicketTypeFactory(event=tt.event, capacity=0, name="Full")
    foreign = TicketTypeFactory()
    registration = allocation.apply(tt, user=UserFactory())
    with pytest.raises(RegistrationError, match="No seat"):
        allocation.move(registration, full, by=None)
    with pytest.raises(RegistrationError, match="within its event"):
        allocation.move(registration, foreign, by=None)
    assert Registration.objects.get().ticket_type_id == tt.pk


def test_check_in_refuses_waitlisted_and_second_time():
    tt = TicketTypeFactory(capacity=1)
    accepted, waitlisted = (allocation.apply(tt, user=UserFactory()) for _ in range(2))
    allocation.check_in(accepted, by=None)
    with pytest.raises(RegistrationError, match="Already checked in"):
        allocation.check_in(accepted, by=None)
    with pytest.raises(RegistrationError, match="Only accepted"):
        allocation.check_in(waitlisted, by=None)


def test_status_mail_is_sent_once_per_status(django_capture_on_commit_callbacks):
    from events.tasks import send_status_mail

    tt = TicketTypeFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = allocation.apply(tt, user=UserFactory(), language="en")
    send_status_mail.call(registration.pk)
    assert [m.subject for m in mail.outbox] == [f"You have a seat: {tt.event.title}"]
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"
