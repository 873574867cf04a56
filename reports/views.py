"""Reader pages: the list of published reports and a report; the organisers' preview."""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import fragments
from core.siteurl import site_url
from events import page_versions
from events.backoffice.scope import is_organiser_of
from events.models import Community
from talks.models import Material, Talk, TalkSpeaker

from . import figures as figures_module
from .models import Report, TalkSummary

PAGE_SIZE = 12


def published_reports():
    return Report.objects.filter(status=Report.Status.PUBLISHED).select_related("event__community")


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    community = forms.ModelChoiceField(
        label=gettext_lazy("Community"),
        queryset=Community.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All communities"),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(
            events__report__status=Report.Status.PUBLISHED
        ).distinct()
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def filter(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["q"]:
            q = data["q"]
            reports = reports.filter(
                Q(title__icontains=q)
                | Q(lead__icontains=q)
                | Q(lead_en__icontains=q)
                | Q(body__icontains=q)
                | Q(event__title__icontains=q)
                | Q(event__community__name__icontains=q)
            )
        if data["community"]:
            reports = reports.filter(event__community=data["community"])
        if data["year"]:
            reports = reports.filter(event__starts_at__year=data["year"])
        return reports


def report_list(request):
    reports = published_reports().order_by("-event__starts_at", "-pk")
    years = (
        reports.annotate(year=ExtractYear("event__starts_at"))
        .values_list("year", flat=True)
        .order_by("-year")
        .distinct()
    )
    form = ReportFilterForm(request.GET or None, years=list(years))
    page = Paginator(form.filter(reports), PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = bool(request.GET.get("q") or request.GET.get("community") or request.GET.get("year"))
    context = {
        "form": form,
        "page_obj": page,
        "reports": page.object_list,
        "filtered": filtered,
        "canonical_url": site_url(reverse("reports:report_list"), request),
    }
    if request.htmx:
        return render(request, "reports/report_list.html#results", context)
    return render(request, "reports/report_list.html", context)


def detail_context(request, report) -> dict:
    """Everything the report page shows, in a constant number of queries."""
    event = report.event
    talks = list(
        Talk.objects.filter(event=event)
        .order_by("position", "starts_at", "pk")
        .prefetch_related(
            Prefetch(
                "talk_speakers",
                queryset=TalkSpeaker.objects.select_related("speaker").order_by("position", "pk"),
                to_attr="ordered_speakers",
            ),
            Prefetch(
                "summaries",
                queryset=TalkSummary.objects.filter(report=report),
                to_attr="report_summaries",
            ),
        )
    )
    materials = list(
        Material.objects.filter(event=event, approved=True)
        .select_related("submitted_by")
        .order_by("created_at", "pk")
    )
    by_talk: dict[int, list] = {}
    for material in materials:
        if material.talk_id:
            by_talk.setdefault(material.talk_id, []).append(material)
    for talk in talks:
        talk.summary_html = talk.report_summaries[0].summary_html if talk.report_summaries else ""
        talk.speaker_list = [ts.speaker for ts in talk.ordered_speakers]
        talk.report_materials = [m for m in by_talk.get(talk.pk, []) if m.url != talk.slides_url]
    figures = report.figures or {}
    labels = {"seats": _("Seats"), "applicants": _("Applicants"), "attendees": _("Attendees")}
    cover_url = site_url(
        report.cover.url if report.cover else static("img/report-og-default.png"), request
    )
    updated = report.published_at and report.updated_at - report.published_at > dt.timedelta(
        minutes=5
    )
    return {
        "report": report,
        "event": event,
        "community": event.community,
        "talks": talks,
        "participant_materials": [m for m in materials if not m.talk_id],
        "photos": list(report.photos.all()),
        "figures": figures,
        "drawn_at": figures_module.drawn_at(figures),
        "chart": figures_module.chart(figures, labels),
        "canonical_url": site_url(report.get_absolute_url(), request),
        "share_image_url": cover_url,
        "show_updated": updated,
    }


def report_detail(request, event_id):
    def public():
        report = get_object_or_404(published_reports(), event_id=event_id)
        return detail_context(request, report), {}

    template = "reports/report_detail.html"
    if not request.user.is_authenticated:  # readers: the anonymous page cache
        return render(request, template, public()[0])
    return fragments.render_page(
        request,
        template,
        scopes=page_versions.event_content(event_id),
        public=public,
        personal=dict,
    )


def report_preview(request, event_id):
    """The page exactly as readers will see it, for the community's organisers only."""
    report = get_object_or_404(Report.objects.select_related("event__community"), event_id=event_id)
    if not is_organiser_of(request.user, report.event.community_id):
        raise Http404
    context = detail_context(request, report) | {"preview": True}
    response = render(request, "reports/report_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response
