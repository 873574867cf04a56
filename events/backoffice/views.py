"""The back office's own pages.

Under /admin/ (registered by EventAdmin.get_urls, wrapped in `admin_site.admin_view`): the
event dashboard, the lottery confirmation, the check-in desk, the CSV export, the printable
attendee list and messages to registrants. Each looks the event up among the events the user
organises, so another community's event is a 404.

Outside /admin/: the QR code's check-in URL and the attendees' self check-in.
Every write is a workflow call; the views only turn a RegistrationError into a message.
"""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events import queries, questions
from events.audit import log
from events.backoffice import copying, messaging
from events.backoffice.dashboard import (
    csv_chunks,
    dashboard_figures,
    drawable,
    recent_log,
)
from events.backoffice.forms import MessageForm, NextEventForm, RescheduleDrawForm
from events.backoffice.home import pending_approvals
from events.backoffice.scope import (
    event_for_organiser_or_404,
    organised_communities,
    organised_events,
)
from events.models import Registration, TicketType
from events.registration import allocation, draw, schedule
from events.registration.allocation import RegistrationError

Status = Registration.Status


def page_context(request, model_admin, event, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "subtitle": event.title,
        "event": event,
        "links": _links(event),
        **extra,
    }


def _links(event):
    def admin_url(name):
        return reverse(f"admin:events_event_{name}", args=[event.pk])

    return {
        "dashboard": admin_url("dashboard"),
        "checkin": admin_url("checkin"),
        "export": admin_url("export"),
        "attendees": admin_url("attendees"),
        "message": admin_url("message"),
        "answers": admin_url("answers"),
        "change": reverse("admin:events_event_change", args=[event.pk]),
        "registrations": reverse("admin:events_registration_changelist")
        + f"?event__id__exact={event.pk}",
        "log": reverse("admin:events_auditlog_changelist") + f"?event__id__exact={event.pk}",
        "public": event.get_absolute_url(),
    }


# -- Dashboard ------------------------------------------------------------------------------


def dashboard(request, event_id, *, model_admin):
    event = event_for_organiser_or_404(request.user, event_id)
    now = timezone.now()
    figures = dashboard_figures(event, now=now)
    context = page_context(
        request,
        model_admin,
        event,
        _("Dashboard"),
        figures=figures,
        log_entries=recent_log(event),
        party_counts=questions.party_counts(event),
        ended=now >= event.ends_at,
        totals=queries.total_of([f.ticket_type for f in figures], event, now),
    )
    return render(request, "admin/events/dashboard.html", context)


def answers_summary(request, event_id, *, model_admin):
    """The questionnaire's answers: counts per option as bars, and the texts."""
    event = event_for_organiser_or_404(request.user, event_id)
    context = page_context(
        request, model_admin, event, _("Answers"), summaries=questions.summary(event)
    )
    return render(request, "admin/events/answers.html", context)


# -- The lottery ----------------------------------------------------------------------------


def draw_confirm(request, event_id, ticket_type_id, *, model_admin):
    """The lottery screen: close applications now, move the lottery time, draw. Every form
    posts here and comes back here (or, after the draw, to the event's dashboard)."""
    event = event_for_organiser_or_404(request.user, event_id)
    tt = get_object_or_404(TicketType, pk=ticket_type_id, event=event)
    tt.event = event
    with timezone.override(event.tzinfo):  # the reschedule box reads and shows local time
        reschedule_form = RescheduleDrawForm(
            request.POST if request.POST.get("step") == "reschedule" else None,
            initial={"lottery_at": tt.lottery_at},
        )
        if request.method == "POST":
            done = _lottery_step(request, tt, reschedule_form)
            if done is not None:
                return done
            tt.refresh_from_db()
            tt.event = event
        return render(
            request,
            "admin/events/draw_confirm.html",
            _draw_context(request, model_admin, event, tt, reschedule_form),
        )


def _lottery_step(request, tt, reschedule_form):
    """Run the posted step; a redirect when it succeeded, None to show the page again."""
    step = request.POST.get("step", "draw")
    event = tt.event
    here = redirect("admin:events_event_draw", event.pk, tt.pk)
    if step == "close":
        try:
            schedule.close_applications(tt, by=request.user)
        except RegistrationError as exc:
            messages.error(request, str(exc))
            return None
        messages.success(
            request,
            _("Applications for “%(name)s” are closed. You can draw the lottery now.")
            % {"name": tt.name},
        )
        return here
    if step == "reschedule":
        if not reschedule_form.is_valid():
            return None
        try:
            schedule.reschedule_draw(
                tt, reschedule_form.cleaned_data["lottery_at"], by=request.user
            )
        except RegistrationError as exc:
            reschedule_form.add_error("lottery_at", str(exc))
            return None
        messages.success(
            request,
            _("The lottery for “%(name)s” now runs at %(when)s.")
            % {
                "name": tt.name,
                "when": allocation.local_time_text(
                    reschedule_form.cleaned_data["lottery_at"], event
                ),
            },
        )
        return here
    try:
        summary = draw.draw(tt, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(
        request,
        _(
            "The lottery for “%(name)s” is drawn: %(accepted)s of %(entries)s entries "
            "won a seat, %(waitlisted)s are on the waitlist. Result e-mails are on their way."
        )
        % {
            "name": tt.name,
            "accepted": summary.accepted,
            "entries": summary.entries,
            "waitlisted": summary.waitlisted,
        },
    )
    return redirect("admin:events_event_dashboard", event.pk)


def _draw_context(request, model_admin, event, tt, reschedule_form):
    counts = Registration.objects.filter(ticket_type=tt).aggregate(
        entries=Count("pk", filter=Q(status=Status.PENDING)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
    )
    seats = max(tt.capacity - counts["accepted"], 0)
    winners = min(seats, counts["entries"])
    now = timezone.now()
    window_open = tt.is_lottery and now < tt.closes_at
    return page_context(
        request,
        model_admin,
        event,
        _("Run the lottery"),
        ticket_type=tt,
        entries=counts["entries"],
        seats=seats,
        winners=winners,
        losers=counts["entries"] - winners,
        window_open=window_open,
        can_close=window_open and tt.opens_at <= now and not tt.is_drawn,
        can_draw=drawable(tt, now) and counts["entries"] > 0,
        reschedule_form=reschedule_form,
    )


# -- Approvals from the home ----------------------------------------------------------------


@require_POST
def decide(request, registration_id, *, model_admin):
    """Approve or reject one application in place (the home's approval list)."""
    registration = get_object_or_404(
        Registration.objects.filter(event__in=organised_events(request.user)).select_related(
            "user", "ticket_type"
        ),
        pk=registration_id,
    )
    accept = request.POST.get("decision") == "approve"
    workflow = allocation.approve if accept else allocation.reject
    try:
        workflow(registration, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        who = registration.user.name if registration.user else registration.receipt
        done = _("Approved %(who)s for “%(name)s”.") if accept else _("Rejected %(who)s.")
        messages.success(request, done % {"who": who, "name": registration.ticket_type.name})
    if request.htmx:
        context = {
            **model_admin.admin_site.each_context(request),
            "approvals": pending_approvals(request.user),
        }
        return render(request, "admin/backoffice_home.html#approvals", context)
    return redirect("admin:index")


# -- The next event -------------------------------------------------------------------------


def next_event(request, community_id, *, model_admin):
    """Copy the community's latest event into a draft numbered +1, on a day the organiser picks."""
    community = get_object_or_404(organised_communities(request.user), pk=community_id)
    source = copying.latest_event(community)
    tz = source.tzinfo if source else timezone.get_current_timezone()
    today = timezone.localtime(timezone.now(), tz).date()
    suggested = None
    if source is not None:
        last_day = timezone.localtime(source.starts_at, tz).date()
        suggested = last_day + dt.timedelta(weeks=4)
        while suggested < today:
            suggested += dt.timedelta(weeks=4)
    form = NextEventForm(request.POST or None, today=today, initial={"starts_on": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            event = copying.next_event(
                community, starts_on=form.cleaned_data["starts_on"], by=request.user
            )
        except copying.CopyError as exc:
            form.add_error("starts_on", str(exc))
        else:
            messages.success(
                request,
                _("“%(title)s” is ready as a draft. Check it, add the talks, then publish it.")
                % {"title": event.title},
            )
            return redirect("admin:events_event_change", event.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Next event of %(community)s") % {"community": community.name},
        "community": community,
        "source": source,
        "form": form,
    }
    return render(request, "admin/events/next_event.html", context)


# -- Exports --------------------------------------------------------------------------------


def export_csv(request, event_id, *, model_admin):
    event = event_for_organiser_or_404(request.user, event_id)
    log(event, request.user, "event.export_csv", event)
    # A streaming body is written after the view returns: each chunk is made in the chosen
    # language (the organiser's, or English with ?lang=en for scripts).
    language = "en" if request.GET.get("lang") == "en" else translation.get_language()
    response = StreamingHttpResponse(
        _in_language(language, csv_chunks(event)), content_type="text/csv; charset=utf-8"
    )
    filename = f"event-{event.pk}-registrations.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _in_language(language, chunks):
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def attendee_list(request, event_id, *, model_admin):
    """The reception desk's printed list: accepted registrations, by name."""
    event = event_for_organiser_or_404(request.user, event_id)
    attendees = (
        Registration.objects.filter(event=event, status=Status.ACCEPTED)
        .select_related("user", "ticket_type")
        .order_by("ticket_type__position", "ticket_type_id", "user__nickname", "pk")
    )
    context = page_context(request, model_admin, event, _("Attendee list"), attendees=attendees)
    return render(request, "admin/events/attendee_list.html", context)


# -- Messages -------------------------------------------------------------------------------


def message(request, event_id, *, model_admin):
    event = event_for_organiser_or_404(request.user, event_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = messaging.queue_message(event, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            ngettext(
                "Your message is queued for %(count)s registrant.",
                "Your message is queued for %(count)s registrants.",
                count,
            )
            % {"count": count},
        )
        return redirect("admin:events_event_dashboard", event.pk)
    audience_counts = {
        key: messaging.recipients(event, key).count() for key in messaging.AUDIENCE_STATUSES
    }
    form.fields["audience"].choices = [
        (key, f"{label} · {audience_counts[key]}") for key, label in MessageForm.AUDIENCES
    ]
    context = page_context(
        request,
        model_admin,
        event,
        _("Message registrants"),
        form=form,
        audience_counts=audience_counts,
    )
    return render(request, "admin/events/message.html", context)
