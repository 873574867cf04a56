"""The back office pages and actions: dashboard, lottery, check-in, exports, messages."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail, signing
from django.db import connection
from django.forms import FileField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.backoffice import dashboard, views_checkin
from events.backoffice import views as backoffice_views
from events.models import AuditLog, Registration
from events.registration import checkin as checkin_tokens
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


def _reg(ticket_type, status, **kwargs):
    return RegistrationFactory(ticket_type=ticket_type, status=status, **kwargs)


# -- Dashboard ------------------------------------------------------------------------------


def _arrange_dashboard(event, scale):
    tt = TicketTypeFactory(event=event, capacity=10 * scale)
    for _ in range(4 * scale):
        _reg(tt, S.ACCEPTED)
    _reg(tt, S.ACCEPTED, checked_in_at=timezone.now())
    for rank in range(1, 2 * scale + 1):
        _reg(tt, S.WAITLISTED, waitlist_rank=rank)
    _reg(tt, S.CANCELLED)
    return tt


def test_dashboard_counts_per_ticket_type(org_client, event):
    tt = _arrange_dashboard(event, scale=1)
    lottery = TicketTypeFactory(event=event, lottery=True, capacity=2)
    for _ in range(3):
        _reg(lottery, S.PENDING)

    response = org_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    figures = {f.ticket_type.pk: f for f in response.context["figures"]}
    general, drawn = figures[tt.pk], figures[lottery.pk]
    assert (general.applicants, general.accepted, general.waitlisted) == (7, 5, 2)
    assert (general.cancelled, general.pending, general.checked_in) == (1, 0, 1)
    assert general.per_seat == 0.7
    assert general.no_shows is None  # the event has not ended
    assert (drawn.applicants, drawn.pending, drawn.per_seat) == (3, 3, 1.5)
    assert drawn.chart.max_value == 3
    totals = response.context["totals"]
    assert (totals.applicants, totals.accepted, totals.seats, totals.checked_in) == (10, 5, 12, 1)


def test_dashboard_counts_no_shows_after_the_event(org_client, organiser):
    past = EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=3),
    )
    tt = TicketTypeFactory(
        event=past,
        opens_at=past.starts_at - dt.timedelta(days=10),
        closes_at=past.starts_at - dt.timedelta(days=1),
    )
    _reg(tt, S.ACCEPTED, checked_in_at=past.starts_at)
    _reg(tt, S.ACCEPTED)
    _reg(tt, S.ACCEPTED)

    response = org_client.get(reverse("admin:events_event_dashboard", args=[past.pk]))

    figure = response.context["figures"][0]
    assert (figure.checked_in, figure.no_shows) == (1, 2)


@pytest.mark.parametrize("scale", [1, 20])
def test_dashboard_queries_do_not_grow_with_registrations(
    org_client, event, scale, django_assert_num_queries
):
    _arrange_dashboard(event, scale)
    TicketTypeFactory(event=event, lottery=True)
    url = reverse("admin:events_event_dashboard", args=[event.pk])

    # The party count (questions marked for it) is one of these queries.
    with django_assert_num_queries(8):
        response = org_client.get(url)

    assert response.status_code == 200


def test_dashboard_chart_is_svg_without_style_attributes(org_client, event):
    _arrange_dashboard(event, scale=1)

    response = org_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    html = response.content.decode()
    assert html.count('<svg class="bo-chart"') == 1
    assert "style=" not in html.split('<main id="content-start"')[1]


def test_dashboard_shows_the_event_audit_log(org_client, event, organiser):
    tt = TicketTypeFactory(event=event, capacity=1)
    registration = _reg(tt, S.ACCEPTED)
    org_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "cancel", "_selected_action": [registration.pk]},
    )

    response = org_client.get(reverse("admin:events_event_dashboard", args=[event.pk]))

    actions = [entry.action for entry in response.context["log_entries"]]
    assert actions == ["registration.cancel"]


def test_chart_steps_up_per_day():
    start = dt.date(2026, 1, 1)
    chart = dashboard.build_chart({start: 2, start + dt.timedelta(days=2): 1}, 4, start, start)

    assert [(d.day, new, total) for d, new, total in chart.days] == [
        (1, 2, 2),
        (2, 0, 2),
        (3, 1, 3),
    ]
    assert chart.max_value == 3


# -- The lottery ----------------------------------------------------------------------------


@pytest.fixture
def closed_lottery(event):
    tt = TicketTypeFactory(
        event=event,
        lottery=True,
        capacity=2,
        opens_at=timezone.now() - dt.timedelta(days=5),
        closes_at=timezone.now() - dt.timedelta(minutes=5),
    )
    for _ in range(5):
        _reg(tt, S.PENDING)
    return tt


def test_draw_confirmation_says_what_will_happen(org_client, event, closed_lottery):
    url = reverse("admin:events_event_draw", args=[event.pk, closed_lottery.pk])

    response = org_client.get(url)

    ctx = response.context
    assert (ctx["entries"], ctx["seats"], ctx["winners"], ctx["losers"]) == (5, 2, 2, 3)
    assert ctx["can_draw"] is True
    assert "2 people get “You have a seat”" in response.content.decode()


def test_draw_confirmation_runs_the_draw_once(org_client, event, closed_lottery):
    url = reverse("admin:events_event_draw", args=[event.pk, closed_lottery.pk])

    first = org_client.post(url)
    ranks_after_first = sorted(
        Registration.objects.filter(ticket_type=closed_lottery).values_list("receipt", "draw_rank")
    )
    second = org_client.post(url, follow=True)

    closed_lottery.refresh_from_db()
    statuses = list(
        Registration.objects.filter(ticket_type=closed_lottery)
        .order_by("draw_rank")
        .values_list("status", flat=True)
    )
    assert first.status_code == 302
    assert statuses == [S.ACCEPTED, S.ACCEPTED, S.WAITLISTED, S.WAITLISTED, S.WAITLISTED]
    assert closed_lottery.drawn_at is not None
    assert AuditLog.objects.filter(event=event, action="lottery.draw").count() == 1
    assert second.context["can_draw"] is False
    refusal = [str(m) for m in second.context["messages"]][-1]
    assert "already drawn" in refusal
    assert "can never be run again" in second.content.decode()
    assert ranks_after_first == sorted(
        Registration.objects.filter(ticket_type=closed_lottery).values_list("receipt", "draw_rank")
    )


def test_draw_refused_while_applications_are_open(org_client, event):
    tt = TicketTypeFactory(event=event, lottery=True)  # closes the day before the event
    _reg(tt, S.PENDING)
    url = reverse("admin:events_event_draw", args=[event.pk, tt.pk])

    response = org_client.post(url)

    tt.refresh_from_db()
    assert tt.drawn_at is None
    assert response.context["window_open"] is True
    assert response.context["can_draw"] is False


def test_draw_admin_action_leads_to_the_confirmation(org_client, event, closed_lottery):
    response = org_client.post(
        reverse("admin:events_tickettype_changelist"),
        {"action": "run_lottery", "_selected_action": [closed_lottery.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:events_event_draw", args=[event.pk, closed_lottery.pk]
    )


def test_draw_of_another_events_ticket_type_is_404(org_client, event, closed_lottery):
    other_event = EventFactory(community=event.community)

    response = org_client.post(
        reverse("admin:events_event_draw", args=[other_event.pk, closed_lottery.pk])
    )

    closed_lottery.refresh_from_db()
    assert response.status_code == 404
    assert closed_lottery.drawn_at is None


# -- Check-in by typed receipt --------------------------------------------------------------


@pytest.fixture
def general(event):
    return TicketTypeFactory(event=event, name="General", capacity=50)


def _checkin_url(event):
    return reverse("admin:events_event_checkin", args=[event.pk])


def test_checkin_lookup_shows_the_name_then_one_tap_checks_in(org_client, event, general):
    attendee = UserFactory(display_name="Hanako Yamada")
    registration = _reg(general, S.ACCEPTED, user=attendee)
    typed = registration.receipt.lower()[:4] + "-" + registration.receipt.lower()[4:]

    lookup = org_client.post(_checkin_url(event), {"receipt": typed})
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert lookup.context["result"]["confirm"].pk == registration.pk
    assert "Hanako Yamada" in lookup.content.decode()

    done = org_client.post(
        _checkin_url(event), {"receipt": registration.receipt, "confirm": registration.receipt}
    )

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert done.context["result"]["done"].pk == registration.pk
    assert done.context["counts"] == {"accepted": 1, "checked_in": 1}


def test_checkin_htmx_renders_only_the_panel(org_client, event, general):
    registration = _reg(general, S.ACCEPTED)

    response = org_client.post(
        _checkin_url(event), {"receipt": registration.receipt}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="checkin-panel"')
    assert "<html" not in html


REFUSALS = {
    "cancelled": "{name} cancelled this registration: no seat.",
    "waitlisted": "{name} is on the waitlist (#1) and holds no seat.",
    "pending": "{name}'s application is still pending (no lottery result or approval yet).",
    "rejected": "{name}'s application was not accepted: no seat.",
    "checked_in": "{name} already checked in at {time}.",
    "other_event": "This receipt is for another event, not for this one.",
    "unknown": "No registration has this receipt number. Check the number and try again.",
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_checkin_refuses_with_a_clear_message(org_client, event, general, case):
    attendee = UserFactory(display_name="Taro")
    checked_at = timezone.now().replace(hour=10, minute=5)
    kwargs = {
        "cancelled": {"status": S.CANCELLED},
        "waitlisted": {"status": S.WAITLISTED, "waitlist_rank": 7},
        "pending": {"status": S.PENDING},
        "rejected": {"status": S.REJECTED},
        "checked_in": {"status": S.ACCEPTED, "checked_in_at": checked_at},
        "other_event": {"status": S.ACCEPTED},
        "unknown": {"status": S.ACCEPTED},
    }[case]
    tt = (
        TicketTypeFactory(event=EventFactory(community=event.community))
        if case == "other_event"
        else general
    )
    registration = _reg(tt, user=attendee, **kwargs)
    receipt = "ZZZZZZZZ" if case == "unknown" else registration.receipt
    before = registration.checked_in_at

    response = org_client.post(_checkin_url(event), {"receipt": receipt, "confirm": receipt})

    registration.refresh_from_db()
    local = timezone.localtime(checked_at, event.tzinfo).strftime("%H:%M")
    assert response.context["result"]["error"] == REFUSALS[case].format(name="Taro", time=local)
    assert registration.checked_in_at == before


# -- The QR code's URL ----------------------------------------------------------------------


def test_qr_url_shows_the_person_and_checks_in_on_post(org_client, general):
    registration = _reg(general, S.ACCEPTED, user=UserFactory(display_name="Jiro"))
    url = reverse("events:checkin", args=[checkin_tokens.make_token(registration)])

    shown = org_client.get(url)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert shown.context["result"]["confirm"].pk == registration.pk
    assert "Jiro" in shown.content.decode()

    done = org_client.post(url)

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert "done" in done.context["result"]


def test_qr_url_refuses_a_second_check_in(org_client, general):
    registration = _reg(
        general, S.ACCEPTED, user=UserFactory(display_name="Jiro"), checked_in_at=timezone.now()
    )
    url = reverse("events:checkin", args=[checkin_tokens.make_token(registration)])

    response = org_client.post(url)

    assert response.context["result"]["error"].startswith("Jiro already checked in at ")


def test_qr_url_with_a_forged_token_says_so(org_client, general):
    registration = _reg(general, S.ACCEPTED)
    forged = signing.dumps([registration.pk, registration.receipt], salt="not-the-salt")

    response = org_client.get(reverse("events:checkin", args=[forged]))

    registration.refresh_from_db()
    assert response.status_code == 400
    assert "This check-in code is not valid" in response.content.decode()
    assert registration.checked_in_at is None


def test_qr_url_with_an_expired_token_says_so(org_client, general, monkeypatch):
    registration = _reg(general, S.ACCEPTED)
    token = checkin_tokens.make_token(registration)
    monkeypatch.setattr(views_checkin, "CHECKIN_TOKEN_MAX_AGE", -1)

    response = org_client.post(reverse("events:checkin", args=[token]))

    registration.refresh_from_db()
    assert response.status_code == 400
    assert "This check-in code has expired" in response.content.decode()
    assert registration.checked_in_at is None


# -- Self check-in --------------------------------------------------------------------------


@pytest.fixture
def running_event(organiser):
    now = timezone.now()
    return EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
        checkin_code="DOCKER23",
    )


def _running_registration(running_event, user, status=S.ACCEPTED, **kwargs):
    tt = TicketTypeFactory(
        event=running_event,
        opens_at=running_event.starts_at - dt.timedelta(days=9),
        closes_at=running_event.starts_at - dt.timedelta(days=1),
    )
    return _reg(tt, status, user=user, **kwargs)


def test_self_checkin_with_the_announced_code(client, running_event):
    attendee = UserFactory()
    registration = _running_registration(running_event, attendee)
    client.force_login(attendee)

    response = client.post(
        reverse("events:self_checkin", args=[running_event.pk]), {"code": "docker23"}, follow=True
    )

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert [str(m) for m in response.context["messages"]] == [
        "You are checked in. Enjoy the event!"
    ]


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("WRONG", S.ACCEPTED, "That is not the code announced in the room. Try again."),
        ("DOCKER23", S.WAITLISTED, "Taro is on the waitlist (#1) and holds no seat."),
    ],
)
def test_self_checkin_refusals(client, running_event, code, status, message):
    attendee = UserFactory(display_name="Taro")
    rank = 1 if status == S.WAITLISTED else None
    registration = _running_registration(running_event, attendee, status, waitlist_rank=rank)
    client.force_login(attendee)

    response = client.post(
        reverse("events:self_checkin", args=[running_event.pk]), {"code": code}, follow=True
    )

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert [str(m) for m in response.context["messages"]] == [message]


def test_event_page_offers_self_checkin_during_the_event(client, running_event):
    attendee = UserFactory()
    _running_registration(running_event, attendee)
    client.force_login(attendee)
    action = reverse("events:self_checkin", args=[running_event.pk])

    response = client.get(running_event.get_absolute_url())

    assert response.content.decode().count(f'action="{action}"') == 1


def test_self_checkin_closed_outside_the_event(client, event, general):
    event.checkin_code = "DOCKER23"
    event.save()
    attendee = UserFactory()
    registration = _reg(general, S.ACCEPTED, user=attendee)
    client.force_login(attendee)

    response = client.post(
        reverse("events:self_checkin", args=[event.pk]), {"code": "DOCKER23"}, follow=True
    )

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert [str(m) for m in response.context["messages"]] == [
        "Self check-in is open only during the event."
    ]


# -- CSV export and the printable list ------------------------------------------------------


def _content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_has_bom_columns_and_rows(org_client, event, general):
    attendee = UserFactory(display_name="=HYPERLINK(1)", email="a@example.com")
    registration = _reg(general, S.ACCEPTED, user=attendee, checked_in_at=timezone.now())
    _reg(general, S.WAITLISTED, waitlist_rank=3, draw_rank=7)
    _reg(general, S.CANCELLED, cancel_reason="self")

    response = org_client.get(reverse("admin:events_event_export", args=[event.pk]))

    text = _content(response)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text[0] == "\ufeff"
    assert rows[0] == [
        "receipt",
        "name",
        "e-mail",
        "ticket type",
        "status",
        "draw rank",
        "waitlist place",
        "applied",
        "checked in",
    ]
    assert rows[1][:7] == [
        registration.receipt,
        "'=HYPERLINK(1)",
        "a@example.com",
        "General",
        "Checked in",
        "",
        "",
    ]
    # Draw rank and current waitlist place are separate columns: rank 7, first in line now.
    assert rows[2][4:7] == ["Waitlisted", "7", "1"]
    assert rows[3][4:7] == ["Cancelled by the attendee", "", ""]
    assert len(rows) == 4
    assert AuditLog.objects.filter(event=event, action="event.export_csv").count() == 1


def test_csv_streams_in_chunks_from_an_iterator(org_client, event, general, monkeypatch):
    from django.db.models.query import QuerySet

    for _ in range(5):
        _reg(general, S.ACCEPTED)
    monkeypatch.setattr(dashboard, "CSV_ROWS_PER_CHUNK", 2)
    iterated = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        iterated.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)

    response = org_client.get(reverse("admin:events_event_export", args=[event.pk]))
    chunks = list(response.streaming_content)

    assert iterated == [2000]
    assert len(chunks) == 4  # header, 2 + 2 + 1 rows
    assert b"".join(chunks).decode().count("\r\n") == 6


def test_csv_generator_holds_no_rows_before_reading(event, general):
    for _ in range(3):
        _reg(general, S.ACCEPTED)
    chunks = dashboard.csv_chunks(event)

    with CaptureQueriesContext(connection) as queries:
        header = next(chunks)

    assert header.startswith("\ufeffreceipt,")
    # The header reads the questions (its columns), never a registration.
    assert ["events_question" in q["sql"] for q in queries] == [True]
    assert ["events_registration" in q["sql"] for q in queries] == [False]


def test_attendee_list_lists_accepted_only(org_client, event, general):
    accepted = _reg(general, S.ACCEPTED)
    _reg(general, S.WAITLISTED, waitlist_rank=1)
    _reg(general, S.CANCELLED)

    response = org_client.get(reverse("admin:events_event_attendees", args=[event.pk]))

    assert [r.pk for r in response.context["attendees"]] == [accepted.pk]


# -- Capacity -------------------------------------------------------------------------------


def _tt_post_data(tt, **changes):
    def split(name, value):  # one datetime-local box per moment, in the event's zone
        if value is None:
            return {name: ""}
        return {name: timezone.localtime(value, tt.event.tzinfo).strftime("%Y-%m-%dT%H:%M")}

    data = {
        "event": tt.event_id,
        "name": tt.name,
        "description": tt.description,
        "capacity": tt.capacity,
        "allocation": tt.allocation,
        "position": tt.position,
        "weighting": tt.weighting,
    }
    for name in [
        "opens_at",
        "closes_at",
        "lottery_at",
        "moveup_cutoff_at",
        "reconfirm_opens_at",
        "reconfirm_deadline_at",
    ]:
        data.update(split(name, getattr(tt, name)))
    data.update(changes)
    return data


def test_capacity_below_accepted_is_refused_with_the_numbers(org_client, general):
    for _ in range(3):
        _reg(general, S.ACCEPTED)

    response = org_client.post(
        reverse("admin:events_tickettype_change", args=[general.pk]),
        _tt_post_data(general, capacity=2),
    )

    general.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "3 people already hold a seat, so the capacity cannot go below 3 (you entered 2). "
        "Cancel registrations first if you need fewer seats."
    ]
    assert general.capacity == 50


def test_raising_capacity_promotes_from_the_waitlist(
    org_client, event, django_capture_on_commit_callbacks
):
    tt = TicketTypeFactory(event=event, capacity=2)
    _reg(tt, S.ACCEPTED)
    _reg(tt, S.ACCEPTED)
    first = _reg(tt, S.WAITLISTED, waitlist_rank=1)
    second = _reg(tt, S.WAITLISTED, waitlist_rank=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(
            reverse("admin:events_tickettype_change", args=[tt.pk]),
            _tt_post_data(tt, capacity=3),
        )

    tt.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert response.status_code == 302
    assert tt.capacity == 3
    assert (first.status, second.status) == (S.ACCEPTED, S.WAITLISTED)
    assert AuditLog.objects.filter(event=event, action="ticket_type.capacity").count() == 1


def test_capacity_change_in_the_event_inline_goes_through_the_workflow(
    org_client, event, django_capture_on_commit_callbacks
):
    tt = TicketTypeFactory(event=event, capacity=1)
    _reg(tt, S.ACCEPTED)
    waiting = _reg(tt, S.WAITLISTED, waitlist_rank=1)
    change = org_client.get(reverse("admin:events_event_change", args=[event.pk]))
    form = change.context["adminform"].form
    data = {key: value for key, value in _form_data(form).items()}
    inline = change.context["inline_admin_formsets"][0].formset
    data.update(_formset_data(inline, {0: {"capacity": 2}}))
    for formset in change.context["inline_admin_formsets"][1:]:
        data.update(_formset_data(formset.formset, {}))

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    tt.refresh_from_db()
    waiting.refresh_from_db()
    assert response.status_code == 302
    assert tt.capacity == 2
    assert waiting.status == S.ACCEPTED


def _form_data(form, changes=None):
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, FileField):
            continue  # not posted: the stored file stays
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if hasattr(widget, "widgets") and not isinstance(value, list):
            value = widget.decompress(value)
        if isinstance(value, list | tuple) and hasattr(widget, "widgets"):
            for index, part in enumerate(value):
                if hasattr(part, "strftime"):
                    part = part.strftime("%Y-%m-%d" if index == 0 else "%H:%M:%S")
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
        elif value is None:
            data[bound.html_name] = ""
        elif value is True or value is False:
            if value:
                data[bound.html_name] = "on"
        elif hasattr(value, "strftime"):
            data[bound.html_name] = value.strftime("%Y-%m-%d %H:%M:%S")
        else:
            data[bound.html_name] = value
    for name, value in (changes or {}).items():
        data[form[name].html_name] = value
    return data


def _formset_data(formset, changes):
    data = {
        f"{formset.prefix}-TOTAL_FORMS": len(formset.initial_forms),
        f"{formset.prefix}-INITIAL_FORMS": len(formset.initial_forms),
        f"{formset.prefix}-MIN_NUM_FORMS": 0,
        f"{formset.prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, form in enumerate(formset.initial_forms):
        data.update(_form_data(form, changes.get(index)))
    return data


# -- Registration actions -------------------------------------------------------------------


def _action(client, action, registrations, **extra):
    return client.post(
        reverse("admin:events_registration_changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_cancel_action_moves_the_waitlist_up(org_client, event):
    tt = TicketTypeFactory(event=event, capacity=1)
    holder = _reg(tt, S.ACCEPTED)
    waiting = _reg(tt, S.WAITLISTED, waitlist_rank=1)

    response = _action(org_client, "cancel", [holder])

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, waiting.status) == (S.CANCELLED, S.ACCEPTED)
    assert [str(m) for m in response.context["messages"]] == ["Cancelled 1 registration."]


def test_approve_and_reject_actions_report_refusals(org_client, event):
    tt = TicketTypeFactory(event=event, approval=True, capacity=1)
    first, second = _reg(tt, S.PENDING), _reg(tt, S.PENDING)

    response = _action(org_client, "approve", [first, second])

    statuses = sorted(
        Registration.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == [S.ACCEPTED, S.PENDING]
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "Approved 1 registration."
    assert messages[1].endswith("No seat is free in “Speakers”; raise its capacity first.")


def test_mark_attended_action_checks_in(org_client, event, general):
    registration = _reg(general, S.ACCEPTED)

    _action(org_client, "mark_attended", [registration])

    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_move_action_asks_for_the_target_then_moves(org_client, event, general):
    speakers = TicketTypeFactory(event=event, name="Speakers", capacity=1)
    registration = _reg(general, S.WAITLISTED, waitlist_rank=1)

    ask = _action(org_client, "move", [registration])
    assert [tt.pk for tt in ask.context["form"].fields["ticket_type"].queryset] == [speakers.pk]

    done = _action(org_client, "move", [registration], apply="Move", ticket_type=speakers.pk)

    registration.refresh_from_db()
    moved = Registration.objects.get(ticket_type=speakers)
    assert (registration.status, moved.user_id, moved.status) == (
        S.CANCELLED,
        registration.user_id,
        S.ACCEPTED,
    )
    assert [str(m) for m in done.context["messages"]] == ["Moved 1 registration to Speakers."]


def test_registrations_cannot_be_added_or_deleted_in_the_admin(org_client, general):
    registration = _reg(general, S.ACCEPTED)

    add = org_client.get(reverse("admin:events_registration_add"))
    delete = org_client.post(
        reverse("admin:events_registration_delete", args=[registration.pk]), {"post": "yes"}
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_registration_search_by_receipt_name_and_email(org_client, general):
    hanako = _reg(general, S.ACCEPTED, user=UserFactory(display_name="Hanako", email="h@x.jp"))
    _reg(general, S.ACCEPTED, user=UserFactory(display_name="Taro", email="t@x.jp"))
    url = reverse("admin:events_registration_changelist")

    found = [
        [r.pk for r in org_client.get(url, {"q": q}).context["cl"].result_list]
        for q in (hanako.receipt, "Hanako", "h@x.jp")
    ]

    assert found == [[hanako.pk]] * 3


# -- Attendance history ---------------------------------------------------------------------


def test_registration_page_shows_attendance_history_in_the_community(org_client, event, general):
    attendee = UserFactory()
    current = _reg(general, S.ACCEPTED, user=attendee)
    for offset, checked in [(30, True), (60, False)]:
        starts = timezone.now() - dt.timedelta(days=offset)
        past = EventFactory(
            community=event.community, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
        )
        past_tt = TicketTypeFactory(
            event=past,
            opens_at=starts - dt.timedelta(days=9),
            closes_at=starts - dt.timedelta(days=1),
        )
        _reg(past_tt, S.ACCEPTED, user=attendee, checked_in_at=starts if checked else None)
    elsewhere = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=10) + dt.timedelta(hours=2),
    )
    _reg(
        TicketTypeFactory(
            event=elsewhere,
            opens_at=elsewhere.starts_at - dt.timedelta(days=9),
            closes_at=elsewhere.starts_at - dt.timedelta(days=1),
        ),
        S.ACCEPTED,
        user=attendee,
    )

    response = org_client.get(reverse("admin:events_registration_change", args=[current.pk]))

    history = dashboard.attendance_history(current)
    assert (history["attended"], history["no_shows"]) == (1, 1)
    assert [outcome for _r, outcome in history["rows"]] == ["attended", "no-show"]
    assert "Attended 1, no-shows 1 (past events of this community)." in response.content.decode()


# -- Messages -------------------------------------------------------------------------------


def test_message_to_accepted_is_queued_and_logged(
    org_client, event, general, monkeypatch, django_capture_on_commit_callbacks
):
    from events.backoffice import messaging
    from events.models import OutboxMail

    monkeypatch.setattr(messaging, "BATCH_SIZE", 2)
    for _ in range(3):
        _reg(general, S.ACCEPTED)
    _reg(general, S.WAITLISTED, waitlist_rank=1)
    mail.outbox.clear()

    batches = []
    task = messaging.send_event_message

    class Spy:
        def enqueue(self, message):
            batches.append(OutboxMail.objects.filter(message=message).count())
            return task.enqueue(message)

    monkeypatch.setattr(messaging, "send_event_message", Spy())

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(
            reverse("admin:events_event_message", args=[event.pk]),
            {"audience": "accepted", "subject": "Doors open at 18:30", "body": "See you!"},
            follow=True,
        )

    assert sorted(batches) == [1, 2]
    assert len(mail.outbox) == 3
    assert mail.outbox[0].subject == f"[{event.title}] Doors open at 18:30"
    entry = AuditLog.objects.get(event=event, action="event.message")
    assert entry.detail == {"audience": "accepted", "recipients": 3}
    assert [str(m) for m in response.context["messages"]] == [
        "Your message is queued for 3 registrants."
    ]


# -- Audit log of admin edits ---------------------------------------------------------------


def test_admin_edits_land_in_the_event_audit_log(org_client, event, general):
    general.opens_at = general.opens_at.replace(second=0, microsecond=0)  # as the editor enters
    general.save()
    data = _tt_post_data(general, name="General admission")

    org_client.post(reverse("admin:events_tickettype_change", args=[general.pk]), data)

    entry = AuditLog.objects.get(event=event, action="tickettype.change")
    assert entry.detail == {"fields": ["Name"]}


def test_publishing_an_event_in_the_admin_announces_it_once(
    org_client, organiser, django_capture_on_commit_callbacks
):
    from events.models import Event, Membership

    event = EventFactory(
        community=CommunityFactory(organisers=[organiser]),
        status=Event.Status.DRAFT,
        published_at=None,
    )
    Membership.objects.create(community=event.community, user=UserFactory())
    change = org_client.get(reverse("admin:events_event_change", args=[event.pk]))
    data = _form_data(change.context["adminform"].form, {"status": "published"})
    for formset in change.context["inline_admin_formsets"]:
        data.update(_formset_data(formset.formset, {}))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.published_at is not None
    assert len(mail.outbox) == 1
    assert AuditLog.objects.filter(event=event, action="event.announce").count() == 1


def test_dashboard_links_open_filtered_lists(org_client, event, general):
    registration = _reg(general, S.ACCEPTED)
    _reg(TicketTypeFactory(event=EventFactory(community=event.community)), S.ACCEPTED)
    links = backoffice_views._links(event)

    registrations = org_client.get(links["registrations"])
    by_type = org_client.get(links["registrations"] + f"&ticket_type__id__exact={general.pk}")
    audit = org_client.get(links["log"])

    assert [r.pk for r in registrations.context["cl"].result_list] == [registration.pk]
    assert [r.pk for r in by_type.context["cl"].result_list] == [registration.pk]
    assert audit.status_code == 200


# -- Configuration: allocation and schedule -------------------------------------------------


def test_allocation_change_with_entries_is_refused_in_place(org_client, event):
    tt = TicketTypeFactory(event=event, lottery=True, name="General")
    _reg(tt, S.PENDING)
    _reg(tt, S.PENDING)

    response = org_client.post(
        reverse("admin:events_tickettype_change", args=[tt.pk]),
        _tt_post_data(tt, allocation="first_come"),
    )

    tt.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["allocation"] == [
        "“General” already has 2 registrations made under Lottery; its allocation cannot "
        "change to First come, first served. Create a new ticket type instead."
    ]
    assert tt.allocation == "lottery"


def _event_change_data(org_client, event, **changes):
    change = org_client.get(reverse("admin:events_event_change", args=[event.pk]))
    data = dict(_form_data(change.context["adminform"].form))
    for formset in change.context["inline_admin_formsets"]:
        data.update(_formset_data(formset.formset, {}))
    data.update(changes)
    data.pop("confirm_schedule_change", None)
    return data


def test_venue_change_with_registrants_asks_for_confirmation(org_client, event):
    _reg(TicketTypeFactory(event=event), S.ACCEPTED)
    data = _event_change_data(org_client, event, venue_name="Another Hall")

    response = org_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    event.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["confirm_schedule_change"] == [
        "1 person is registered for this event. Tick the box to change its venue and e-mail "
        "them what changed."
    ]
    assert (event.venue_name, mail.outbox) == ("Example Hall", [])


def test_confirmed_venue_change_mails_the_registrants(
    org_client, event, django_capture_on_commit_callbacks
):
    registration = _reg(TicketTypeFactory(event=event), S.ACCEPTED, language="en")
    data = _event_change_data(org_client, event, venue_name="Another Hall")
    data["confirm_schedule_change"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.venue_name == "Another Hall"
    assert [m.to for m in mail.outbox] == [[registration.user.email]]
    assert "Venue: Another Hall\n  (was: Example Hall)" in mail.outbox[0].body
