"""The questionnaire on the attendee's side: the apply box, /me/, and privacy."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Answer, Question, Registration
from events.registration import allocation
from tests.factories import (
    AnswerFactory,
    CommunityFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

K = Question.Kind
S = Registration.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def tt(postgres):
    return TicketTypeFactory(capacity=5)


@pytest.fixture
def level(tt):
    return QuestionFactory(
        event=tt.event,
        kind=K.ONE_CHOICE,
        text_ja="Dockerの経験は？",
        text_en="Docker experience?",
        choices="初心者 | Beginner\n上級 | Advanced",
        required=True,
    )


@pytest.fixture
def note(tt):
    return QuestionFactory(
        event=tt.event, kind=K.LONG_TEXT, text_ja="連絡事項", text_en="Anything we should know?"
    )


def apply_url(event):
    return reverse("events:apply", args=[event.pk])


def test_apply_box_asks_the_questions_in_the_page_language(client, member, tt, level, note):
    response = client.get(tt.event.get_absolute_url(), **JA)

    assert response.status_code == 200
    assert "Dockerの経験は？ (必須)" in response.text
    assert (
        f'<input type="radio" name="q{level.pk}" value="初心者 | Beginner" id="id_q{level.pk}_0">'
        "\n 初心者</label>"
    ) in response.text
    assert f'<label for="id_q{note.pk}">連絡事項</label>' in response.text


def test_apply_with_answers_stores_them(client, member, tt, level, note):
    response = client.post(
        apply_url(tt.event),
        {"ticket_type": tt.pk, f"q{level.pk}": "上級 | Advanced", f"q{note.pk}": "Vegetarian"},
        **EN,
    )

    assert response.status_code == 302
    registration = Registration.objects.get(user=member)
    assert list(registration.answers.values_list("question_id", "value")) == [
        (level.pk, "上級 | Advanced"),
        (note.pk, "Vegetarian"),
    ]


def test_required_question_left_empty_shows_error_at_it_and_keeps_the_rest(
    client, member, tt, level, note
):
    other = TicketTypeFactory(event=tt.event, name="Online")

    response = client.post(
        apply_url(tt.event),
        {"ticket_type": other.pk, f"q{note.pk}": "I use a wheelchair", "show_in_list": ""},
        **EN,
    )

    assert response.status_code == 422
    assert Registration.objects.filter(user=member).count() == 0
    form = response.context["apply_form"]
    assert form.errors == {f"q{level.pk}": ["Please answer this question."]}
    assert "I use a wheelchair</textarea>" in response.text
    # The ticket type is the button pressed; it is offered again beside the kept answers.
    assert f'name="ticket_type" value="{other.pk}"' in response.text
    assert 'name="show_in_list" value="on" >' in response.text  # stays unticked


def test_required_question_left_empty_with_htmx_returns_the_box_with_the_error(
    client, member, tt, level
):
    response = client.post(
        apply_url(tt.event), {"ticket_type": tt.pk}, HTTP_HX_REQUEST="true", **EN
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="status-box"')
    assert "Please check your answers below." in response.text
    assert "Please answer this question." in response.text


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        (K.SHORT_TEXT, "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        (K.ONE_CHOICE, "Guru", "Choose one of the options offered."),
        (K.YES_NO, "maybe", "Choose one of the options offered."),
    ],
)
def test_bad_answer_is_refused_in_place(client, member, tt, kind, value, error):
    question = QuestionFactory(
        event=tt.event, kind=kind, choices="A\nB" if kind == K.ONE_CHOICE else ""
    )

    response = client.post(
        apply_url(tt.event), {"ticket_type": tt.pk, f"q{question.pk}": value}, **EN
    )

    assert response.status_code == 422
    assert response.context["apply_form"].errors == {f"q{question.pk}": [error]}
    assert Registration.objects.filter(user=member).count() == 0


def test_answer_to_another_events_question_is_ignored_by_the_form(client, member, tt):
    elsewhere = QuestionFactory(event=EventFactory())

    response = client.post(
        apply_url(tt.event), {"ticket_type": tt.pk, f"q{elsewhere.pk}": "sneaky"}, **EN
    )

    assert response.status_code == 302
    assert Answer.objects.count() == 0


def test_question_of_another_ticket_type_is_not_required_nor_kept(client, member, tt):
    speakers = TicketTypeFactory(event=tt.event, name="Speakers")
    talk = QuestionFactory(event=tt.event, text_en="Talk title?", required=True)
    talk.ticket_types.set([speakers])

    response = client.post(
        apply_url(tt.event), {"ticket_type": tt.pk, f"q{talk.pk}": "x" * 500}, **EN
    )

    assert response.status_code == 302
    assert Registration.objects.filter(user=member).count() == 1
    assert Answer.objects.count() == 0


# -- /me/ ----------------------------------------------------------------------------------


def test_me_links_to_the_answers_page(client, member, tt, level):
    registration = allocation.apply(tt, user=member, answers={level: "初心者 | Beginner"})

    response = client.get(reverse("events:me"), **EN)

    assert reverse("events:answers", args=[registration.receipt]) in response.text


def test_answers_page_changes_answers(client, member, tt, level, note):
    registration = allocation.apply(tt, user=member, answers={level: "初心者 | Beginner"})
    url = reverse("events:answers", args=[registration.receipt])

    page = client.get(url, **EN)
    response = client.post(url, {f"q{level.pk}": "上級 | Advanced", f"q{note.pk}": "Late"}, **EN)

    assert page.context["form"].initial == {f"q{level.pk}": "初心者 | Beginner"}
    assert response.status_code == 302
    assert list(registration.answers.values_list("value", flat=True)) == [
        "上級 | Advanced",
        "Late",
    ]


def test_answers_page_refuses_an_empty_required_answer_in_place(client, member, tt, level):
    registration = allocation.apply(tt, user=member, answers={level: "初心者 | Beginner"})

    response = client.post(reverse("events:answers", args=[registration.receipt]), {}, **EN)

    assert response.status_code == 422
    assert response.context["form"].errors == {f"q{level.pk}": ["Please answer this question."]}
    assert registration.answers.get().value == "初心者 | Beginner"


def test_answers_page_after_close_shows_answers_read_only(client, member, tt, level):
    registration = allocation.apply(tt, user=member, answers={level: "初心者 | Beginner"})
    tt.closes_at = timezone.now() - dt.timedelta(minutes=1)
    tt.opens_at = tt.closes_at - dt.timedelta(days=1)
    tt.save()
    url = reverse("events:answers", args=[registration.receipt])

    page = client.get(url, **EN)
    client.post(url, {f"q{level.pk}": "上級 | Advanced"}, **EN)

    assert page.context["form"] is None
    assert "<dt>Docker experience?</dt><dd>Beginner</dd>" in page.text
    assert registration.answers.get().value == "初心者 | Beginner"


def test_answers_page_of_another_person_is_404(client, member, tt, level):
    someone = allocation.apply(tt, user=UserFactory(), answers={level: "初心者 | Beginner"})
    url = reverse("events:answers", args=[someone.receipt])

    assert client.get(url).status_code == 404
    assert client.post(url, {f"q{level.pk}": "上級 | Advanced"}).status_code == 404
    assert someone.answers.get().value == "初心者 | Beginner"


def test_answers_page_changes_share_the_apply_rate_limit(client, member, tt, level, settings):
    settings.MEETUP_RATE_LIMITS = {"apply": "2/m"}
    registration = allocation.apply(tt, user=member, answers={level: "初心者 | Beginner"})
    url = reverse("events:answers", args=[registration.receipt])

    codes = [client.post(url, {f"q{level.pk}": "上級 | Advanced"}).status_code for _ in range(3)]

    assert codes == [302, 302, 429]


# -- privacy ---------------------------------------------------------------------------------

SECRET = "my-secret-allergy-7Q"


def test_answers_appear_on_no_public_page_feed_api_or_lottery_record(client, settings, postgres):
    settings.MEETUP_API_OPEN = True
    organiser = UserFactory(is_staff=True)
    community = CommunityFactory(organisers=[organiser])
    now = timezone.now()
    event = EventFactory(community=community)
    tt = TicketTypeFactory(
        event=event,
        lottery=True,
        opens_at=now - dt.timedelta(days=2),
        closes_at=now - dt.timedelta(hours=1),
    )
    question = QuestionFactory(event=event, text_en="Allergies?")
    applicant = UserFactory()
    registration = RegistrationFactory(ticket_type=tt, user=applicant, status=S.PENDING)
    AnswerFactory(registration=registration, question=question, value=SECRET)
    from events.registration import draw

    draw.draw(tt)
    public = [
        event.get_absolute_url(),
        reverse("events:event_list"),
        community.get_absolute_url(),
        reverse("events:lottery", args=[event.pk]),
        reverse("events:lottery_json", args=[event.pk]),
        reverse("events:event_calendar", args=[event.pk]),
        reverse("events:events_feed"),
        reverse("events:community_feed", args=[community.slug]),
        f"/api/v2/events/?event_id={event.pk}",
        f"/api/v2/users/{applicant.nickname}/attended_events/",
        "/sitemap.xml",
    ]

    statuses = {}
    for url in public:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        statuses[url] = response.status_code
        assert SECRET.encode() not in body, url
    client.force_login(organiser)
    summary = client.get(reverse("admin:events_event_answers", args=[event.pk]))

    assert set(statuses.values()) == {200}
    assert SECRET in summary.text  # the control: the organisers do see it
