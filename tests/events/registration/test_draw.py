import datetime as dt
import html
import io
import json
import re
import urllib.request

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import AuditLog, Registration, TicketType
from events.registration import allocation, draw, lottery
from events.registration.draw import DrawError
from tests.factories import (
    CommunityFactory,
    EventFactory,
    RegistrationFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


def closed_lottery(capacity=3, **kwargs) -> TicketType:
    now = timezone.now()
    return TicketTypeFactory(
        lottery=True,
        capacity=capacity,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
        **kwargs,
    )


def enter(tt, n) -> list[Registration]:
    return [RegistrationFactory(ticket_type=tt, status=Status.PENDING) for _ in range(n)]


def snapshot(tt):
    rows = Registration.objects.filter(ticket_type=tt).order_by("pk")
    tt = TicketType.objects.get(pk=tt.pk)
    return (
        list(rows.values_list("status", "draw_rank", "waitlist_rank", "decided_at")),
        (tt.drawn_at, tt.entries_digest, tt.seats_at_draw),
    )


# --- outcomes -------------------------------------------------------------------------------


def test_draw_ranks_entries_exactly_as_the_algorithm():
    tt = closed_lottery(capacity=3)
    regs = enter(tt, 7)
    expected = lottery.draw(bytes(tt.seed), {r.receipt: 1 for r in regs}, 3)

    summary = draw.draw(tt)

    got = {r.receipt: (r.draw_rank, r.status) for r in Registration.objects.filter(ticket_type=tt)}
    assert got == {e.receipt: (e.rank, e.outcome) for e in expected.ranked}
    assert (summary.entries, summary.seats, summary.accepted, summary.waitlisted) == (7, 3, 3, 4)
    assert summary.entries_digest == expected.entries_digest


def test_draw_gives_waitlist_ranks_in_draw_order():
    tt = closed_lottery(capacity=2)
    enter(tt, 6)

    draw.draw(tt)

    waitlisted = Registration.objects.filter(ticket_type=tt, status=Status.WAITLISTED)
    assert list(waitlisted.order_by("draw_rank").values_list("waitlist_rank", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    accepted = Registration.objects.filter(ticket_type=tt, status=Status.ACCEPTED)
    assert sorted(accepted.values_list("draw_rank", flat=True)) == [1, 2]
    assert list(accepted.values_list("waitlist_rank", flat=True)) == [None, None]


def test_draw_records_digest_time_and_seats_on_the_ticket_type():
    tt = closed_lottery(capacity=3)
    regs = enter(tt, 4)
    at = timezone.now().replace(microsecond=0)

    draw.draw(tt, now=at)

    tt.refresh_from_db()
    assert tt.drawn_at == at
    assert tt.seats_at_draw == 3
    assert tt.entries_digest == lottery.entries_digest(r.receipt for r in regs)
    assert set(
        Registration.objects.filter(ticket_type=tt).values_list("decided_at", flat=True)
    ) == {at}
    assert tt.revealed_seed_hex == bytes(tt.seed).hex()


def test_draw_seats_leave_out_seats_already_given():
    tt = closed_lottery(capacity=3)
    RegistrationFactory(ticket_type=tt, status=Status.ACCEPTED)
    enter(tt, 5)

    summary = draw.draw(tt)

    assert (summary.seats, summary.accepted) == (2, 2)
    assert Registration.objects.filter(ticket_type=tt, status=Status.ACCEPTED).count() == 3


def test_draw_more_seats_than_entries_accepts_everyone():
    tt = closed_lottery(capacity=10)
    enter(tt, 4)

    draw.draw(tt)

    assert (
        list(Registration.objects.filter(ticket_type=tt).values_list("status", flat=True))
        == [Status.ACCEPTED] * 4
    )


def test_draw_logs_without_the_seed():
    tt = closed_lottery()
    enter(tt, 2)
    organiser = UserFactory()

    draw.draw(tt, by=organiser)

    entry = AuditLog.objects.get(action="lottery.draw")
    assert entry.actor == organiser
    assert bytes(tt.seed).hex() not in json.dumps(entry.detail)
    assert entry.detail["entries"] == 2


def test_draw_mails_every_entrant_after_commit(django_capture_on_commit_callbacks):
    tt = closed_lottery(capacity=1)
    regs = enter(tt, 3)

    with django_capture_on_commit_callbacks(execute=True):
        draw.draw(tt)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in regs)
    assert set(
        Registration.objects.filter(ticket_type=tt).values_list("mailed_status", flat=True)
    ) == {
        Status.ACCEPTED,
        Status.WAITLISTED,
    }


def test_draw_without_notify_mails_nobody(django_capture_on_commit_callbacks):
    tt = closed_lottery()
    enter(tt, 2)

    with django_capture_on_commit_callbacks(execute=True):
        draw.draw(tt, notify=False)

    assert mail.outbox == []


# --- bad input: a clear message, nothing changes --------------------------------------------


def test_draw_twice_draws_once():
    tt = closed_lottery(capacity=1)
    enter(tt, 3)
    draw.draw(tt)
    before = snapshot(tt)

    with pytest.raises(DrawError, match="already drawn"):
        draw.draw(tt)

    assert snapshot(tt) == before


def test_draw_of_first_come_type_is_refused():
    tt = TicketTypeFactory(closes_at=timezone.now() - dt.timedelta(hours=1))
    RegistrationFactory(ticket_type=tt, status=Status.PENDING)
    before = snapshot(tt)

    with pytest.raises(DrawError) as exc:
        draw.draw(tt)

    assert str(exc.value) == "“General” is not a lottery ticket type; there is nothing to draw."
    assert snapshot(tt) == before


def test_draw_while_window_open_is_refused():
    tt = TicketTypeFactory(lottery=True)
    enter(tt, 2)
    before = snapshot(tt)

    with pytest.raises(DrawError, match="are open until"):
        draw.draw(tt)

    assert snapshot(tt) == before


def test_draw_without_entries_is_refused():
    tt = closed_lottery()
    RegistrationFactory(ticket_type=tt, status=Status.CANCELLED)

    with pytest.raises(DrawError) as exc:
        draw.draw(tt)

    assert (
        str(exc.value)
        == "There are no entries to draw for “General (lottery)”; nothing was changed."
    )
    assert TicketType.objects.get(pk=tt.pk).drawn_at is None


def test_draw_error_is_a_registration_error():
    assert issubclass(DrawError, allocation.RegistrationError)


# --- after the draw -------------------------------------------------------------------------


def test_cancel_after_draw_promotes_without_changing_the_record(client):
    tt = closed_lottery(capacity=2)
    enter(tt, 5)
    draw.draw(tt)
    document = client.get(f"/events/{tt.event_id}/lottery.json").json()
    winner = Registration.objects.get(ticket_type=tt, draw_rank=1)

    allocation.cancel(winner, by=winner.user)

    assert Registration.objects.get(ticket_type=tt, draw_rank=3).status == Status.ACCEPTED
    assert client.get(f"/events/{tt.event_id}/lottery.json").json() == document


def test_late_applicant_joins_the_end_of_the_waitlist():
    tt = closed_lottery(capacity=1)
    enter(tt, 3)
    draw.draw(tt)
    TicketType.objects.filter(pk=tt.pk).update(closes_at=timezone.now() + dt.timedelta(days=1))

    late = allocation.apply(tt, user=UserFactory())

    assert (late.status, late.waitlist_rank, late.draw_rank) == (Status.WAITLISTED, 3, None)


# --- weights ----------------------------------------------------------------------------------


def past_lottery(community, *, days_ago, seats, outcomes):
    """A drawn lottery of `community`; outcomes: user -> 'won' | 'lost'."""
    start = timezone.now() - dt.timedelta(days=days_ago)
    event = EventFactory(
        community=community, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    tt = TicketTypeFactory(
        event=event,
        lottery=True,
        capacity=seats,
        opens_at=start - dt.timedelta(days=10),
        closes_at=start - dt.timedelta(days=3),
    )
    TicketType.objects.filter(pk=tt.pk).update(
        drawn_at=start - dt.timedelta(days=2), seats_at_draw=seats
    )
    for rank, (user, outcome) in enumerate(outcomes.items(), start=1):
        won = outcome == "won"
        RegistrationFactory(
            ticket_type=tt,
            user=user,
            status=Status.ACCEPTED if won else Status.WAITLISTED,
            draw_rank=rank if won else seats + rank,
            waitlist_rank=None if won else rank,
            checked_in_at=start if won else None,
        )
    return tt


def test_history_weights_count_the_last_three_lost_lotteries():
    community = CommunityFactory()
    loser, winner, stranger, veteran = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for days in (40, 30, 20):
        past_lottery(community, days_ago=days, seats=1, outcomes={loser: "lost", veteran: "lost"})
    past_lottery(community, days_ago=60, seats=1, outcomes={veteran: "lost"})
    past_lottery(community, days_ago=10, seats=2, outcomes={winner: "won", veteran: "won"})
    past_lottery(CommunityFactory(), days_ago=10, seats=1, outcomes={stranger: "lost"})
    tt = closed_lottery(weighting=TicketType.Weighting.HISTORY, event__community=community)
    for user in (loser, winner, stranger, veteran):
        RegistrationFactory(ticket_type=tt, user=user, status=Status.PENDING)

    weights = draw.entry_weights(tt)

    # veteran: the last three are won (10 days), lost (20), lost (30): the one at 40 falls out.
    assert weights == {loser.pk: 4, veteran.pk: 3}


def test_history_weight_is_one_after_a_no_show():
    community = CommunityFactory()
    user, other = UserFactory(), UserFactory()
    past_lottery(community, days_ago=40, seats=1, outcomes={user: "lost"})
    past = past_lottery(community, days_ago=20, seats=2, outcomes={other: "won", user: "won"})
    Registration.objects.filter(ticket_type=past, user=user).update(checked_in_at=None)
    tt = closed_lottery(weighting=TicketType.Weighting.HISTORY, event__community=community)
    RegistrationFactory(ticket_type=tt, user=user, status=Status.PENDING)

    assert draw.entry_weights(tt) == {}


def test_draw_stores_and_publishes_weights(client):
    community = CommunityFactory()
    loser = UserFactory()
    past_lottery(community, days_ago=20, seats=1, outcomes={UserFactory(): "won", loser: "lost"})
    tt = closed_lottery(weighting=TicketType.Weighting.HISTORY, event__community=community)
    mine = RegistrationFactory(ticket_type=tt, user=loser, status=Status.PENDING)
    enter(tt, 2)

    draw.draw(tt)

    mine.refresh_from_db()
    assert mine.lottery_weight == 2
    document = client.get(f"/events/{tt.event_id}/lottery.json").json()["ticket_types"][0]
    assert {e["receipt"]: e["weight"] for e in document["entries"]}[mine.receipt] == 2
    assert lottery.verify(document) == []


def test_weighting_off_gives_everyone_weight_one():
    community = CommunityFactory()
    loser = UserFactory()
    past_lottery(community, days_ago=20, seats=1, outcomes={UserFactory(): "won", loser: "lost"})
    tt = closed_lottery(event__community=community)
    RegistrationFactory(ticket_type=tt, user=loser, status=Status.PENDING)

    draw.draw(tt)

    assert Registration.objects.get(ticket_type=tt).lottery_weight == 1


# --- the published record -------------------------------------------------------------------


def test_lottery_json_before_the_draw_publishes_only_the_commitment(client):
    tt = closed_lottery()
    enter(tt, 3)

    document = client.get(f"/events/{tt.event_id}/lottery.json").json()

    assert document == {
        "event": tt.event_id,
        "ticket_types": [
            {
                "ticket_type": tt.pk,
                "name": "General (lottery)",
                "capacity": 3,
                "seats": None,
                "algorithm": "hmac-sha256-v1",
                "commitment": lottery.commitment(bytes(tt.seed)),
                "committed_at": timezone.localtime(tt.committed_at, tt.event.tzinfo).isoformat(),
                "entries_digest": None,
                "drawn_at": None,
                "seed": None,
                "entries": [],
            }
        ],
    }


def test_seed_appears_nowhere_before_the_draw(client):
    tt = closed_lottery()
    enter(tt, 3)
    secret = bytes(tt.seed).hex()

    page = client.get(f"/events/{tt.event_id}/lottery/").content.decode()
    data = client.get(f"/events/{tt.event_id}/lottery.json").content.decode()

    assert (secret in page, secret in data) == (False, False)
    assert tt.commitment in page


def test_lottery_json_after_the_draw_verifies(client):
    tt = closed_lottery(capacity=4)
    enter(tt, 9)
    draw.draw(tt)

    document = client.get(f"/events/{tt.event_id}/lottery.json").json()

    (published,) = document["ticket_types"]
    assert published["seed"] == bytes(tt.seed).hex()
    assert published["seats"] == 4
    assert [e["rank"] for e in published["entries"]] == list(range(1, 10))
    assert lottery.verify(published) == []


def test_lottery_json_with_a_forged_rank_fails_verification(client):
    tt = closed_lottery(capacity=1)
    enter(tt, 3)
    draw.draw(tt)
    published = client.get(f"/events/{tt.event_id}/lottery.json").json()["ticket_types"][0]

    published["entries"][0]["rank"], published["entries"][1]["rank"] = 2, 1

    assert len(lottery.verify(published)) == 2


def page_script(client, event_id) -> str:
    page = client.get(f"/events/{event_id}/lottery/").content.decode()
    code = re.search(r'<pre class="verify-script"><code>(.*?)</code></pre>', page, re.S).group(1)
    return html.unescape(code)


def run_script(script, client, monkeypatch) -> tuple[int, str]:
    """Run the page's script as `python3 verify.py` would, answering its one HTTP request."""
    fetched = []

    def urlopen(url):
        fetched.append(url)
        return io.BytesIO(client.get(url.removeprefix("http://testserver")).content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    with pytest.raises(SystemExit) as exit_:
        exec(compile(script, "verify.py", "exec"), {"__name__": "__main__"})
    assert len(fetched) == 1
    return exit_.value.code, out.getvalue()


def test_page_script_verifies_the_published_json(client, monkeypatch):
    tt = closed_lottery(capacity=2)
    enter(tt, 6)
    draw.draw(tt)
    script = page_script(client, tt.event_id)

    code, output = run_script(script, client, monkeypatch)

    assert (code, output) == (0, "General (lottery) - VERIFIED 6 entries\n")


def test_page_script_reports_a_tampered_seed(client, monkeypatch):
    tt = closed_lottery(capacity=2)
    enter(tt, 4)
    draw.draw(tt)
    TicketType.objects.filter(pk=tt.pk).update(seed=bytes(32))
    script = page_script(client, tt.event_id)

    code, output = run_script(script, client, monkeypatch)

    assert code == 1
    assert output.startswith("General (lottery) - MISMATCH 4 entries")


def test_page_script_before_the_draw_shows_the_commitment(client, monkeypatch):
    tt = closed_lottery()
    enter(tt, 2)

    code, output = run_script(page_script(client, tt.event_id), client, monkeypatch)

    assert (code, output) == (0, f"General (lottery) - not drawn yet; commitment {tt.commitment}\n")


# --- commands ---------------------------------------------------------------------------------


def test_draw_command_draws_and_prints_the_summary():
    tt = closed_lottery(capacity=1)
    enter(tt, 2)
    out = io.StringIO()

    call_command("draw", str(tt.pk), "--no-mail", stdout=out)

    assert out.getvalue().splitlines()[0] == (
        f"Drew “General (lottery)” ({tt.event}): 2 entries, 1 seats, 1 accepted, 1 waitlisted."
    )
    assert TicketType.objects.get(pk=tt.pk).is_drawn


def test_draw_command_turns_refusals_into_command_errors():
    tt = closed_lottery()

    with pytest.raises(CommandError, match="no entries"):
        call_command("draw", str(tt.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No ticket type with id 0"):
        call_command("draw", "0", stdout=io.StringIO())


def test_run_due_jobs_draws_only_due_types():
    due = closed_lottery(capacity=1)
    enter(due, 2)
    later = closed_lottery()
    TicketType.objects.filter(pk=later.pk).update(lottery_at=timezone.now() + dt.timedelta(hours=1))
    enter(later, 2)
    empty = closed_lottery()

    call_command("run_due_jobs", stdout=io.StringIO())

    drawn = {
        tt.pk: tt.is_drawn for tt in TicketType.objects.filter(pk__in=[due.pk, later.pk, empty.pk])
    }
    assert drawn == {due.pk: True, later.pk: False, empty.pk: False}


# --- the demo -------------------------------------------------------------------------------


def test_demo_lottery_of_23_is_drawn_with_consistent_times(client):
    import accounts.demo
    import events.demo

    loaded = events.demo.load(accounts.demo.load())
    tt = loaded["event_23"].ticket_types.get(allocation=TicketType.Allocation.LOTTERY)
    if not tt.is_drawn:  # the demo's own applicants may not be loaded: enter some
        enter(tt, 12)
        events.demo.draw_demo_lottery(loaded["event_23"])
    tt.refresh_from_db()
    document = client.get(f"/events/{tt.event_id}/lottery.json").json()["ticket_types"][0]

    assert tt.committed_at < tt.opens_at < tt.closes_at < tt.drawn_at == tt.lottery_at
    assert lottery.verify(document) == []
    assert document["drawn_at"] == timezone.localtime(tt.lottery_at, tt.event.tzinfo).isoformat()


def test_demo_lottery_draw_is_idempotent():
    import accounts.demo
    import events.demo

    loaded = events.demo.load(accounts.demo.load())
    tt = loaded["event_23"].ticket_types.get(allocation=TicketType.Allocation.LOTTERY)
    if not tt.is_drawn:
        enter(tt, 5)
        events.demo.draw_demo_lottery(loaded["event_23"])
    before = snapshot(tt)

    events.demo.load(accounts.demo.load())

    assert snapshot(tt) == before


def _run_reference_verifier(path):
    """The pure lottery module run as outsiders run it: a lone file, standard library only."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    module = Path(lottery.__file__)
    alone = path.parent / "lottery.py"
    shutil.copy(module, alone)
    return subprocess.run(
        [sys.executable, "-I", str(alone), str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )


def test_lottery_module_verifies_a_published_record_standing_alone(client, tmp_path):
    tt = closed_lottery()
    enter(tt, 6)
    draw.draw(tt)
    record = tmp_path / "lottery.json"
    record.write_bytes(client.get(f"/events/{tt.event_id}/lottery.json").content)

    result = _run_reference_verifier(record)

    assert (result.returncode, result.stdout.strip()) == (0, f"{tt.name}: VERIFIED")


def test_lottery_module_finds_a_tampered_record(client, tmp_path):
    tt = closed_lottery()
    enter(tt, 6)
    draw.draw(tt)
    document = client.get(f"/events/{tt.event_id}/lottery.json").json()
    entries = document["ticket_types"][0]["entries"]
    entries[0]["outcome"], entries[-1]["outcome"] = entries[-1]["outcome"], entries[0]["outcome"]
    record = tmp_path / "lottery.json"
    record.write_text(json.dumps(document))

    result = _run_reference_verifier(record)

    assert result.returncode == 1
    assert result.stdout.startswith(f"{tt.name}: MISMATCH")
