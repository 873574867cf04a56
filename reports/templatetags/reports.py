"""Template tags through which lower apps' pages link to reports, and report helpers."""

from django import template
from django.template.loader import render_to_string

from ..models import Report, TalkSummary

register = template.Library()


@register.simple_tag(takes_context=True)
def report_link(context, event):
    """A link to the event's published report, or nothing (one query)."""
    report = (
        Report.objects.filter(event_id=event.pk, status=Report.Status.PUBLISHED)
        .only("pk", "event_id", "title", "lead")
        .first()
    )
    if report is None:
        return ""
    return render_to_string(
        "reports/includes/report_link.html", {"report": report}, request=context.get("request")
    )


@register.simple_tag(takes_context=True)
def talk_report(context, talk):
    """On a talk page: the published report's summary of the talk and a link to it (one query)."""
    summary = (
        TalkSummary.objects.filter(talk_id=talk.pk, report__status=Report.Status.PUBLISHED)
        .select_related("report")
        .only("summary", "talk_id", "report__id", "report__event_id", "report__title")
        .first()
    )
    if summary is None:
        return ""
    return render_to_string(
        "reports/includes/talk_report.html",
        {"summary": summary, "report": summary.report, "talk": talk},
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def recent_reports(context, limit=3):
    """The newest published reports, for the home page (one query)."""
    reports = list(
        Report.objects.filter(status=Report.Status.PUBLISHED)
        .select_related("event__community")
        .order_by("-published_at", "-pk")[:limit]
    )
    return render_to_string(
        "reports/includes/recent_reports.html",
        {"reports": reports},
        request=context.get("request"),
    )


@register.filter
def percent(value, digits=0):
    """0.842 -> '84%'."""
    if value is None or value == "":
        return ""
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.simple_tag
def mark_reports(states) -> str:
    """Set `report` (or None) on the event of each home state, in one query (renders nothing)."""
    events = [state.event for state in states]
    reports = {
        r.event_id: r
        for r in Report.objects.filter(event__in=[e.pk for e in events]).only(
            "pk", "event_id", "status", "title"
        )
    }
    for event in events:
        event.home_report = reports.get(event.pk)
    return ""


@register.inclusion_tag("reports/includes/report_todo.html")
def report_todo(event):
    """The report's state on the organiser home, after `mark_reports` (no query)."""
    return {"event": event, "report": getattr(event, "home_report", None)}
