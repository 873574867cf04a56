"""The questionnaire in the back office: editing, summary, registration page, CSV, party count,
and the copy to the next event."""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import questions
from events.backoffice import dashboard
from events.models import Question, Registration
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


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True)


@pytest.fixture
def event(organiser, postgres):
    return EventFactory(community=CommunityFactory(organisers=[organiser]))


@pytest.fixture
def general(event):
    return TicketTypeFactory(event=event, name="General")


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client


class _FormFields(HTMLParser):
    """What a browser would submit from the form with id `form_id`, as a dict of lists."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            ticks = a.get("type") in ("checkbox", "radio")
            if ticks and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if ticks else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


def _event_form(org_client, event):
    page = org_client.get(reverse("admin:events_event_change", args=[event.pk]))
    parser = _FormFields("event_form")
    parser.feed(page.text)
    return parser.data


def _add_question(data, index, **fields):
    prefix = "questions"
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value if isinstance(value, list) else [value]


def _post_event(org_client, event, data):
    return org_client.post(reverse("admin:events_event_change", args=[event.pk]), data)


def test_organiser_adds_questions_on_the_event_page(org_client, event, general):
    speakers = TicketTypeFactory(event=event, name="Speakers")
    data = _event_form(org_client, event)
    _add_question(
        data, 0, position="0", kind=K.ONE_CHOICE, text_ja="経験は？", text_en="Experience?",
        choices="初心者 | Beginner\n上級 | Advanced", required="on",
    )  # fmt: skip
    _add_question(
        data, 1, position="1", kind=K.YES_NO, text_ja="懇親会", text_en="",
        ticket_types=[str(speakers.pk)], counts_for_party="on",
    )  # fmt: skip

    response = _post_event(org_client, event, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    rows = [
        (q.kind, q.text_ja, q.required, q.counts_for_party, [t.name for t in q.ticket_types.all()])
        for q in event.questions.order_by("position")
    ]
    assert rows == [
        (K.ONE_CHOICE, "経験は？", True, False, []),
        (K.YES_NO, "懇親会", False, True, ["Speakers"]),
    ]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": K.SHORT_TEXT, "required": "on"},
            {"text_ja": ["Write the question in Japanese, English or both."]},
        ),
        (
            {"kind": K.ONE_CHOICE, "text_en": "Pick", "choices": "Only one"},
            {"choices": ["Give at least two options, one per line."]},
        ),
        (
            {"kind": K.SEVERAL_CHOICES, "text_en": "Pick", "choices": "A\nA"},
            {"choices": ["Each option may appear only once."]},
        ),
        (
            {"kind": K.SHORT_TEXT, "text_en": "Name?", "counts_for_party": "on"},
            {"counts_for_party": ["Only a yes/no question can give the party count."]},
        ),
    ],
)
def test_bad_question_is_refused_in_place(org_client, event, general, fields, errors):
    data = _event_form(org_client, event)
    _add_question(data, 0, position="0", **fields)

    response = _post_event(org_client, event, data)

    formset = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Question)
    assert formset.formset.errors == [errors]
    assert event.questions.count() == 0


def test_ticket_type_of_another_event_is_refused(org_client, event, general):
    elsewhere = TicketTypeFactory(event=EventFactory(community=event.community))
    data = _event_form(org_client, event)
    _add_question(
        data, 0, position="0", kind=K.SHORT_TEXT, text_en="Q", ticket_types=[str(elsewhere.pk)]
    )

    response = _post_event(org_client, event, data)

    formset = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Question)
    assert formset.formset.errors == [{"ticket_types": ["Choose ticket types of this event."]}]


def test_organiser_of_another_community_cannot_edit_the_questions(client, event, general):
    question = QuestionFactory(event=event, text_en="Original")
    outsider = UserFactory(is_staff=True)
    CommunityFactory(organisers=[outsider])
    client.force_login(outsider)
    url = reverse("admin:events_event_change", args=[event.pk])

    page = client.get(url)
    post = client.post(url, {"questions-TOTAL_FORMS": "1", "questions-0-id": question.pk,
                             "questions-0-text_en": "Hijacked"})  # fmt: skip
    summary = client.get(reverse("admin:events_event_answers", args=[event.pk]))

    assert (page.status_code, post.status_code, summary.status_code) == (404, 404, 404)
    question.refresh_from_db()
    assert question.text_en == "Original"


def test_changing_an_answered_question_warns_and_keeps_the_answer(org_client, event, general):
    question = QuestionFactory(event=event, text_ja="", text_en="Experience?")
    answer = AnswerFactory(
        registration=RegistrationFactory(ticket_type=general), question=question, value="Lots"
    )
    data = _event_form(org_client, event)
    data["questions-0-text_en"] = ["Years of experience?"]

    response = _post_event(org_client, event, data)

    assert response.status_code == 302
    warnings = [m for m in get_messages(response.wsgi_request) if m.level == constants.WARNING]
    assert [str(m) for m in warnings] == [
        "“Years of experience?” changed after 1 person answered it. They keep the text they "
        "answered; tell them if the meaning changed."
    ]
    answer.refresh_from_db()
    assert answer.question_text == "Experience?"


def test_edit_form_says_how_many_answered(org_client, event, general):
    question = QuestionFactory(event=event)
    for _ in range(2):
        AnswerFactory(registration=RegistrationFactory(ticket_type=general), question=question)

    page = org_client.get(
        reverse("admin:events_event_change", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "2 people already answered: they keep the text they answered." in page.text


# -- Summary, registration page, CSV, dashboard --------------------------------------------------


def _answered(general, question, values, status=S.ACCEPTED):
    for value in values:
        AnswerFactory(
            registration=RegistrationFactory(ticket_type=general, status=status),
            question=question,
            value=value,
        )


def test_summary_counts_choices_as_bars_and_lists_texts(org_client, event, general):
    level = QuestionFactory(
        event=event, kind=K.ONE_CHOICE, choices="初心者 | Beginner\n上級 | Advanced"
    )
    note = QuestionFactory(event=event, kind=K.LONG_TEXT, text_en="Notes")
    _answered(general, level, ["初心者 | Beginner"] * 3 + ["上級 | Advanced"])
    _answered(general, level, ["上級 | Advanced"], status=S.CANCELLED)  # left out
    _answered(general, note, ["Vegan"])

    response = org_client.get(
        reverse("admin:events_event_answers", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    first, second = response.context["summaries"]
    assert [(b.label, b.count, b.width) for b in first.bars] == [
        ("Beginner", 3, 330.0),
        ("Advanced", 1, 110.0),
    ]
    assert first.answered == 4
    assert [text for _receipt, text in second.texts] == ["Vegan"]
    assert response.text.count('<rect class="bo-bar"') == 2
    assert 'width="330.0"' in response.text


def test_summary_keeps_options_no_longer_offered(org_client, event, general):
    level = QuestionFactory(event=event, kind=K.ONE_CHOICE, choices="A\nB")
    _answered(general, level, ["A", "Old"])

    bars = questions.summary(event)[0].bars

    assert [(b.label, b.count, b.former) for b in bars] == [
        ("A", 1, False),
        ("B", 0, False),
        ("Old", 1, True),
    ]


def test_summary_queries_do_not_grow_with_answers(
    org_client, event, general, django_assert_num_queries
):
    level = QuestionFactory(event=event, kind=K.ONE_CHOICE, choices="A\nB")
    url = reverse("admin:events_event_answers", args=[event.pk])
    org_client.get(url)
    counts = []
    for n in (1, 30):
        _answered(general, level, ["A"] * n)
        with CaptureQueriesContext(connection) as ctx:
            org_client.get(url)
        counts.append(len(ctx))

    assert counts[0] == counts[1]


def test_registration_page_shows_the_answers(org_client, event, general):
    registration = RegistrationFactory(ticket_type=general)
    question = QuestionFactory(event=event, kind=K.YES_NO, text_en="Party?")
    AnswerFactory(registration=registration, question=question, value="yes")

    response = org_client.get(
        reverse("admin:events_registration_change", args=[registration.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert '<dl class="bo-answers"><dt>Party?</dt><dd>Yes</dd></dl>' in response.text


def test_csv_has_a_column_per_question(event, general):
    level = QuestionFactory(
        event=event, kind=K.SEVERAL_CHOICES, text_en="Languages", choices="Go\nRust\n=cmd"
    )
    note = QuestionFactory(event=event, kind=K.SHORT_TEXT, text_ja="会社", text_en="")
    registration = RegistrationFactory(ticket_type=general)
    AnswerFactory(registration=registration, question=level, value="Go\n=cmd")
    RegistrationFactory(ticket_type=general)  # answered nothing

    text = "".join(dashboard.csv_chunks(event)).removeprefix("\ufeff")

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-2:] == ["Q1: Languages", "Q2: 会社"]
    assert rows[1][-2:] == ["Go; =cmd", ""]
    assert rows[2][-2:] == ["", ""]
    assert note.answers.count() == 0


def test_dashboard_shows_the_party_count_among_accepted(org_client, event, general):
    party = QuestionFactory(event=event, kind=K.YES_NO, text_en="Party?", counts_for_party=True)
    _answered(general, party, ["yes", "yes", "no"])
    _answered(general, party, ["yes"], status=S.PENDING)

    response = org_client.get(
        reverse("admin:events_event_dashboard", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert [(q.pk, n) for q, n in response.context["party_counts"]] == [(party.pk, 2)]
    assert "Party: “yes” among accepted (Party?)" in response.text


def test_dashboard_without_party_question_shows_no_count(org_client, event, general):
    QuestionFactory(event=event, kind=K.YES_NO, counts_for_party=False)

    response = org_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    assert response.context["party_counts"] == []


# -- Copy to the next event ------------------------------------------------------------------


def test_copy_questions_to_the_next_event(event, general):
    speakers = TicketTypeFactory(event=event, name="Speakers")
    first = QuestionFactory(event=event, kind=K.ONE_CHOICE, choices="A\nB", required=True)
    limited = QuestionFactory(event=event, kind=K.YES_NO, counts_for_party=True)
    limited.ticket_types.set([speakers])
    AnswerFactory(registration=RegistrationFactory(ticket_type=general), question=first, value="A")
    nxt = EventFactory(community=event.community)
    next_speakers = TicketTypeFactory(event=nxt, name="Speakers")
    QuestionFactory(event=nxt, position=4)

    copies = questions.copy_questions(event, nxt)

    assert [(q.kind, q.choices, q.required, q.counts_for_party, q.position) for q in copies] == [
        (K.ONE_CHOICE, "A\nB", True, False, 5),
        (K.YES_NO, "", False, True, 6),
    ]
    assert list(copies[1].ticket_types.all()) == [next_speakers]
    assert sum(q.answers.count() for q in copies) == 0
