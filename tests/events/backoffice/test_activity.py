"""The audit log in words, in both languages, on the home, the dashboard and the changelist."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.audit import log
from events.backoffice.activity import describe
from tests.factories import CommunityFactory, EventFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory(is_staff=True, display_name="Aiko", nickname="aiko")


@pytest.fixture
def event(organiser):
    return EventFactory(community=CommunityFactory(organisers=[organiser]))


@pytest.fixture
def draw_entry(event, organiser):
    tt = TicketTypeFactory(event=event, lottery=True, name="General (lottery)")
    return log(event, organiser, "lottery.draw", tt, entries=276, seats=105, accepted=105)


def test_describe_lottery_draw_in_english(draw_entry):
    with translation.override("en"):
        assert describe(draw_entry) == (
            "Aiko drew the lottery of General (lottery): 105 seats, 171 waitlisted"
        )


def test_describe_lottery_draw_in_japanese(draw_entry):
    with translation.override("ja"):
        assert describe(draw_entry) == (
            "AikoさんがGeneral (lottery)の抽選を行いました: 当選105名、補欠171名"
        )


def test_describe_generic_change_names_the_model(event, organiser):
    tt = TicketTypeFactory(event=event, name="LT speaker")
    entry = log(event, organiser, "tickettype.change", tt, fields=["capacity"])

    with translation.override("en"):
        assert describe(entry) == f"Aiko changed the ticket type “{tt}”"


def test_describe_system_action_and_unknown_code(event):
    announce = log(event, None, "event.announce", event)
    unknown = log(event, None, "questions.copied", "Q1")

    with translation.override("en"):
        assert describe(announce) == f"Members were told about {event}"
        assert describe(unknown) == "The system: questions.copied Q1"


def test_describe_approval_names_the_receipt(event, organiser):
    entry = log(event, organiser, "registration.approve", "ABCD2345 (Accepted)")

    with translation.override("en"):
        assert describe(entry) == "Aiko approved application ABCD2345"


def test_dashboard_log_reads_in_sentences(client, organiser, event, draw_entry):
    client.force_login(organiser)

    response = client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    body = response.content.decode()
    assert "Aiko drew the lottery of General (lottery): 105 seats, 171 waitlisted" in body
    assert "<code>lottery.draw</code>" not in body


def test_log_changelist_in_japanese_has_sentences_and_translated_filters(
    client, organiser, event, draw_entry
):
    client.force_login(organiser)

    response = client.get(
        reverse("admin:events_auditlog_changelist"), headers={"accept-language": "ja"}
    )

    body = response.content.decode()
    assert "AikoさんがGeneral (lottery)の抽選を行いました: 当選105名、補欠171名" in body
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == ["イベント", "人", "できごと"]


def test_log_changelist_filters_by_person(client, organiser, event, draw_entry):
    other = UserFactory(is_staff=True)
    log(event, other, "event.export_csv", event)
    client.force_login(organiser)

    response = client.get(
        reverse("admin:events_auditlog_changelist") + f"?actor__id__exact={organiser.pk}"
    )

    assert [e.pk for e in response.context["cl"].result_list] == [draw_entry.pk]
