"""Two organisers (or one double click) create the draft of one event at once, on PostgreSQL."""

import time

import pytest

from reports import publishing
from reports.models import Report
from tests.events.registration.test_concurrency import errors, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def _two_creates(past_event, organiser):
    return run_at_once([lambda: publishing.create_draft(past_event, by=organiser)] * 2)


def _widen(monkeypatch):
    """Both requests pass the "already has a report" check before either writes."""
    original = publishing.figures_module.compute

    def slow_compute(event):
        time.sleep(0.2)
        return original(event)

    monkeypatch.setattr(publishing.figures_module, "compute", slow_compute)


def test_two_concurrent_creates_make_one_draft_and_one_refusal(
    postgres, monkeypatch, past_event, organiser
):
    _widen(monkeypatch)

    results = _two_creates(past_event, organiser)

    assert [str(e) for e in errors(results)] == ["This event already has a report."]
    assert Report.objects.filter(event=past_event).count() == 1


def test_two_concurrent_creates_control_reach_the_unique_constraint(
    postgres, monkeypatch, past_event, organiser
):
    _widen(monkeypatch)
    monkeypatch.setattr(publishing, "IntegrityError", type("NeverRaised", (Exception,), {}))

    results = _two_creates(past_event, organiser)

    # Without catching the constraint, the loser is an IntegrityError: a 500 in the view.
    assert [type(e).__name__ for e in errors(results)] == ["IntegrityError"]
