import io

import pytest
from django.core.management import call_command

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_the_23_report_with_a_summary_per_talk_once():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    report = Report.objects.get()
    summaries = list(report.talk_summaries.values_list("summary", flat=True))
    assert (report.event.number, report.status) == (23, Report.Status.PUBLISHED)
    assert (len(summaries), summaries.count("")) == (8, 0)
    assert report.figures["seats"] == sum(tt.capacity for tt in report.event.ticket_types.all())
    assert report.lead_en.startswith("Three sessions and five lightning talks")
