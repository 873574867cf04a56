from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # A report is shown on its event's pages, which are kept for signed-in people.
        from events import page_versions

        from .models import Report, ReportPhoto, TalkSummary

        page_versions.follow(Report, lambda report: report.event_id)
        # By id: in a cascade the report row may already be gone (its own delete says so).
        reports = Report.objects.values_list("event_id", flat=True)
        for part in (TalkSummary, ReportPhoto):
            page_versions.follow(part, lambda row: reports.filter(pk=row.report_id).first())
