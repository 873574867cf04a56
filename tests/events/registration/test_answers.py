"""Answers to an event's questions: stored with the application, checked, changed, deleted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Answer, Question, Registration
from events.registration import allocation, answers, draw, lottery
from events.registration.allocation import RegistrationError
from tests.factories import (
    AnswerFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

K = Question.Kind
Status = Registration.Status


@pytest.fixture
def tt(postgres):
    return TicketTypeFactory(capacity=5)


@pytest.fixture
def level(tt):
    return QuestionFactory(
        event=tt.event,
        kind=K.ONE_CHOICE,
        text_ja="経験は？",
        text_en="Experience?",
        choices="初心者 | Beginner\n中級 | Intermediate\n上級 | Advanced",
        required=True,
    )


@pytest.fixture
def party(tt):
    return QuestionFactory(
        event=tt.event, kind=K.YES_NO, text_ja="懇親会は？", text_en="Party?", counts_for_party=True
    )


def test_apply_stores_answers_with_the_text_as_answered(tt, level, party):
    user = UserFactory()

    registration = allocation.apply(
        tt, user=user, answers={level: "中級 | Intermediate", party: "yes"}
    )

    rows = list(
        Answer.objects.filter(registration=registration).values_list(
            "question_id", "user_id", "value", "question_text", "kind"
        )
    )
    assert rows == [
        (level.pk, user.pk, "中級 | Intermediate", "Experience?", K.ONE_CHOICE),
        (party.pk, user.pk, "yes", "Party?", K.YES_NO),
    ]


def test_apply_with_required_question_empty_sends_no_application(tt, level):
    user = UserFactory()

    with pytest.raises(RegistrationError) as exc:
        allocation.apply(tt, user=user, answers={level: ""})

    assert str(exc.value) == "“Experience?” needs an answer."
    assert Registration.objects.filter(user=user).count() == 0
    assert Answer.objects.count() == 0


def test_apply_checks_the_questions_the_caller_read(tt, level):
    user = UserFactory()

    # The apply form passes the questions it read; those are the ones checked.
    with pytest.raises(RegistrationError, match="needs an answer"):
        allocation.apply(tt, user=user, answers={}, questions=[level])

    assert Registration.objects.filter(user=user).count() == 0


def test_apply_with_option_not_offered_is_refused(tt, level):
    user = UserFactory()

    with pytest.raises(RegistrationError) as exc:
        allocation.apply(tt, user=user, answers={level: "Guru"})

    assert str(exc.value) == "Choose among the options of “Experience?”."
    assert Registration.objects.filter(user=user).count() == 0


def test_apply_with_two_options_for_one_choice_is_refused(tt, level):
    with pytest.raises(RegistrationError) as exc:
        allocation.apply(
            tt, user=UserFactory(), answers={level: ["初心者 | Beginner", "中級 | Intermediate"]}
        )

    assert str(exc.value) == "Choose one option for “Experience?”."


def test_apply_with_too_long_answer_is_refused(tt):
    question = QuestionFactory(event=tt.event, kind=K.SHORT_TEXT, text_en="Company?")

    with pytest.raises(RegistrationError) as exc:
        allocation.apply(tt, user=UserFactory(), answers={question: "x" * 201})

    assert str(exc.value) == "The answer to “Company?” is too long (at most 200 characters)."


def test_long_text_takes_up_to_its_own_limit(tt):
    question = QuestionFactory(event=tt.event, kind=K.LONG_TEXT)

    registration = allocation.apply(tt, user=UserFactory(), answers={question: "x" * 2000})

    assert len(registration.answers.get().value) == 2000


def test_apply_with_another_events_question_is_refused(tt):
    elsewhere = QuestionFactory(event=EventFactory())
    user = UserFactory()

    with pytest.raises(RegistrationError) as exc:
        allocation.apply(tt, user=user, answers={elsewhere: "hello"})

    assert str(exc.value) == "That question belongs to another event."
    assert Registration.objects.filter(user=user).count() == 0


def test_question_limited_to_another_ticket_type_is_neither_asked_nor_taken(tt):
    speakers = TicketTypeFactory(event=tt.event, name="Speakers", approval=True)
    only_speakers = QuestionFactory(event=tt.event, text_en="Talk title?", required=True)
    only_speakers.ticket_types.set([speakers])

    registration = allocation.apply(tt, user=UserFactory(), answers={})
    with pytest.raises(RegistrationError) as exc:
        allocation.apply(tt, user=UserFactory(), answers={only_speakers: "My talk"})

    assert registration.answers.count() == 0
    assert str(exc.value) == "“Talk title?” is not asked for this ticket type."
    assert answers.questions_for(speakers) == [only_speakers]
    assert answers.questions_for(tt) == []


def test_several_choices_are_stored_in_the_organisers_order_once_each(tt):
    question = QuestionFactory(event=tt.event, kind=K.SEVERAL_CHOICES, choices="Go\nRust\nPython")

    registration = allocation.apply(
        tt, user=UserFactory(), answers={question: ["Python", "Go", "Python"]}
    )

    answer = registration.answers.get()
    assert (answer.value, answer.display_value()) == ("Go\nPython", "Go, Python")


def test_change_replaces_answers_until_applications_close(tt, level, party):
    user = UserFactory()
    registration = allocation.apply(
        tt, user=user, answers={level: "初心者 | Beginner", party: "no"}
    )

    answers.change(registration, {level: "上級 | Advanced", party: ""}, by=user)

    assert list(registration.answers.values_list("value", flat=True)) == ["上級 | Advanced"]


def test_change_after_applications_closed_is_refused(tt, level):
    user = UserFactory()
    registration = allocation.apply(tt, user=user, answers={level: "初心者 | Beginner"})
    tt.closes_at = timezone.now() - dt.timedelta(minutes=1)
    tt.opens_at = tt.closes_at - dt.timedelta(days=1)
    tt.save()

    with pytest.raises(RegistrationError) as exc:
        answers.change(registration, {level: "上級 | Advanced"}, by=user)

    assert str(exc.value).startswith("Applications closed on ")
    assert registration.answers.get().value == "初心者 | Beginner"


def test_change_by_someone_else_is_refused(tt, level):
    user = UserFactory()
    registration = allocation.apply(tt, user=user, answers={level: "初心者 | Beginner"})

    with pytest.raises(RegistrationError) as exc:
        answers.change(registration, {level: "上級 | Advanced"}, by=UserFactory())

    assert str(exc.value) == "You can only change your own answers."


def test_answers_go_with_the_account_while_the_registration_stays(client, tt, level):
    user = UserFactory()
    registration = allocation.apply(tt, user=user, answers={level: "初心者 | Beginner"})
    client.force_login(user)

    response = client.post(reverse("delete_account"), {"confirm": user.nickname})

    assert response.status_code == 302
    assert Answer.objects.count() == 0
    assert Registration.objects.filter(pk=registration.pk, user=None).count() == 1


def test_answers_kept_readable_after_the_question_changes(tt, level):
    registration = allocation.apply(tt, user=UserFactory(), answers={level: "中級 | Intermediate"})
    level.text_en = "How long have you used Docker?"
    level.choices = "Less than a year\nMore than a year"
    level.save()

    answer = registration.answers.get()

    assert (answer.question_text, answer.display_value("en")) == ("Experience?", "Intermediate")
    assert answer.display_value("ja") == "中級"


def test_draw_ignores_answers(postgres):
    now = timezone.now()
    tt = TicketTypeFactory(
        lottery=True,
        capacity=3,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    party = QuestionFactory(event=tt.event, kind=K.YES_NO)
    entries = [RegistrationFactory(ticket_type=tt, status=Status.PENDING) for _ in range(8)]
    for index, registration in enumerate(entries):  # half say yes, half no
        AnswerFactory(registration=registration, question=party, value="yes" if index % 2 else "no")
    expected = lottery.draw(bytes(tt.seed), {r.receipt: 1 for r in entries}, 3)

    draw.draw(tt)

    got = {r.receipt: (r.draw_rank, r.status) for r in Registration.objects.filter(ticket_type=tt)}
    assert got == {e.receipt: (e.rank, e.outcome) for e in expected.ranked}
    assert set(
        Registration.objects.filter(ticket_type=tt).values_list("lottery_weight", flat=True)
    ) == {1}
