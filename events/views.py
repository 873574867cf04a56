"""Attendee pages: the event list and page, apply, cancel, self check-in, reconfirm.

Views are thin: parse input with a form, call `events.registration.allocation`, render. Lists and the event
page run a fixed number of queries whatever the number of ticket types and registrations.
"""

import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import fragments, ratelimit
from events import page_versions, queries
from events.forms import ApplyForm, EventFilterForm, SelfCheckInForm
from events.models import Event, Registration
from events.registration import allocation
from events.registration import checkin as checkin_rules
from events.registration import reconfirm as reconfirmation
from events.registration.allocation import RegistrationError

Status = Registration.Status
PER_PAGE = 20


def event_list(request):
    def public():
        form = EventFilterForm(request.GET or None)
        events = queries.events_with_figures(form.filter(Event.objects.published()))
        page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
        when = form.cleaned_data.get("when") if form.is_valid() else ""
        filters = ("q", "community", "month", "format")
        return {
            "form": form,
            "page_obj": page,
            "events": page.object_list,
            "past": when == "past",
            "filtered": any(request.GET.get(key) for key in filters),
        }, {}

    template = "events/event_list.html"
    if not request.user.is_authenticated or request.htmx:
        return render(request, template, public()[0])
    return fragments.render_page(
        request, template, scopes=page_versions.event_lists(), public=public, personal=dict
    )


def _apply_form(event, data=None) -> ApplyForm:
    questions = event.questions.prefetch_related("ticket_types").order_by("position", "pk")
    return ApplyForm(data, event=event, questions=questions)


def status_context(request, event, ticket_types=None, form=None, applied=None):
    """What the status box needs: your registration (or None), the ticket types, may you apply,
    and the event's questions: the bound apply form after a refusal (with its errors), else the
    blank questions kept for everyone (`_blank_questions`).
    `applied` is the registration `allocation.apply` just made: no query reads it back, and
    its owner is verified (apply refuses anyone else)."""
    user = request.user
    if ticket_types is None:
        ticket_types = queries.ticket_types_with_counts(event)
    registration = applied
    if applied is None and user.is_authenticated:
        # One plain query: its ticket type is among those read, and a waitlist position is
        # counted (Registration.waitlist_position) only for someone on the waitlist.
        registration = (
            Registration.objects.filter(event=event, user=user)
            .order_by("-applied_at", "-pk")
            .first()
        )
    if registration is not None:
        registration.event = event  # its state reads the event: no second query
        by_pk = {tt.pk: tt for tt in ticket_types}
        if registration.ticket_type_id in by_pk:
            registration.ticket_type = by_pk[registration.ticket_type_id]
    now = timezone.now()
    open_types = [
        tt
        for tt in ticket_types
        if (tt.window_state(now) == "open" or (tt.is_lottery and tt.is_drawn))
        and not event.has_started
    ]
    for tt in open_types:
        tt.outcome = apply_outcome(tt)
        tt.waitlist_next = tt.figures.waitlisted + 1
        tt.seats_free = max(tt.capacity - tt.figures.accepted, 0)
    open_types = open_types if event.status == Event.Status.PUBLISHED else []
    is_live = registration is not None and registration.is_live
    # Asked only where the box offers to apply: a query fewer for everyone already registered.
    verified = bool(
        open_types
        and not is_live
        and user.is_authenticated
        and (applied is not None or allocation.has_verified_email(user))
    )
    blank_questions = None
    if form is None and verified:
        blank_questions = _blank_questions(request, event)
    return {
        "event": event,
        "totals": queries.total_of(ticket_types, event),
        "has_lottery": any(tt.is_lottery for tt in ticket_types),
        "has_weighting": any(tt.weighting == "history" for tt in ticket_types),
        "registration": registration,
        "is_live": is_live,
        "ticket_types": ticket_types,
        "open_types": open_types,
        "free_types": [tt for tt in open_types if tt.outcome == "seat"],
        "verified": verified,
        "apply_form": form,
        "blank_questions": blank_questions,
    }


def _blank_questions(request, event) -> str:
    """The questions of the unfilled apply form, the same for every applicant: rendered once
    per version of the event's content (its questions change it, events/apps.py), not for each
    person, and kept while registrations come in."""

    def render_blank():
        return render_to_string(
            "events/event_detail.html#apply-questions", {"apply_form": _apply_form(event)}, request
        )

    return fragments.remember(
        f"apply-questions:{event.pk}", page_versions.event_content(event.pk), render_blank
    )


def apply_outcome(tt) -> str:
    """What applying to an open ticket type would give now, read from its figures: 'seat',
    'lottery', 'approval' or 'waitlist'. The same rule as `allocation.apply`, which decides
    again under the lock."""
    f = tt.figures
    if tt.is_lottery:
        return "waitlist" if tt.is_drawn else "lottery"
    if tt.allocation == tt.Allocation.APPROVAL:
        return "approval"
    return "seat" if f.accepted < tt.capacity and f.waitlisted == 0 else "waitlist"


def _published_events():
    return Event.objects.published().select_related("community")


def _published_event(event_id):
    return get_object_or_404(_published_events(), pk=event_id)


def _share_context(request, event) -> dict:
    cover = event.image or event.community.logo
    return {
        "share_image_url": request.build_absolute_uri(cover.url) if cover else "",
        "canonical_url": request.build_absolute_uri(event.get_absolute_url()),
    }


def _participants_context(event, ticket_types) -> dict:
    totals = queries.total_of(ticket_types, event)
    return {"event": event, "participant_groups": queries.participant_groups(event, totals)}


def event_detail(request, event_id, form=None):
    template = "events/event_detail.html"
    if form is not None or not request.user.is_authenticated:
        # Readers get the anonymous page cache; a refused form is this person's alone.
        event = _published_event(event_id)
        context = status_context(request, event, form=form)
        context |= _participants_context(event, context["ticket_types"])
        return render(request, template, context | _share_context(request, event))

    # Signed in: the page kept for everyone; the participants and figures, kept apart as they
    # move with every application; the person's own blocks (core/fragments.py).
    def public():
        event = _published_event(event_id)
        return {"event": event, **_share_context(request, event)}, {"event": event}

    def moving(shared):
        ticket_types = queries.ticket_types_with_counts(shared["event"])
        return _participants_context(shared["event"], ticket_types), {"ticket_types": ticket_types}

    def personal(shared):
        return status_context(request, shared["event"], shared["ticket_types"])

    def expires(shared):
        return page_versions.next_change(shared["event"], shared.get("ticket_types", ()))

    return fragments.render_page(
        request,
        template,
        scopes=page_versions.event_content(event_id),
        moving_scopes=[page_versions.registrations(event_id)],
        public=public,
        moving=moving,
        personal=personal,
        expires=expires,
    )


def _status_response(request, event, applied=None):
    if request.htmx:
        context = status_context(request, event, applied=applied)
        return render(request, "events/event_detail.html#status-box", context)
    return redirect(event)


def _status_message(registration) -> str:
    if registration.status == Status.ACCEPTED:
        return _("You have a seat. Your receipt is %(receipt)s.") % {
            "receipt": registration.receipt
        }
    if registration.status == Status.WAITLISTED:
        return _("All seats are taken: you are number %(n)s on the waitlist.") % {
            "n": registration.waitlist_position
        }
    return _("Application received. Your receipt is %(receipt)s.") % {
        "receipt": registration.receipt
    }


def rate_limited(request, event, exc):
    """429 with the reason: the status box for htmx (base.html lets htmx swap a 429), else a
    page that links back to the event."""
    messages.error(request, str(exc))
    if request.htmx:
        template, context = "events/event_detail.html#status-box", status_context(request, event)
    else:
        template, context = "events/rate_limited.html", {"event": event}
    response = render(request, template, context, status=429)
    response["Retry-After"] = exc.retry_after_header
    return response


def _apply_data(event_id):
    """The published event, its questions and ticket types, as the apply form reads them: kept
    until the event's content changes (not its registrations, which change with every
    application)."""

    def read():
        event = _published_events().filter(pk=event_id).first()
        if event is None:
            return None
        questions = event.questions.prefetch_related("ticket_types").order_by("position", "pk")
        return event, list(questions), list(event.ticket_types.all())

    found = fragments.remember(
        f"apply-data:{event_id}", page_versions.event_content(event_id), read
    )
    if found is None:
        raise Http404
    return found


@require_POST
def apply_view(request, event_id):
    event, questions, ticket_types = _apply_data(event_id)
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_absolute_url())
    try:
        ratelimit.hit("apply", request.user)
    except ratelimit.RateLimited as exc:
        return rate_limited(request, event, exc)
    form = ApplyForm(request.POST, event=event, questions=questions, ticket_types=ticket_types)
    if not form.is_valid():
        if "ticket_type" in form.errors:
            messages.error(request, form.errors["ticket_type"][0])
        else:
            # An answer is missing or wrong: the form again, errors at the questions, the
            # ticket type and every other answer as given.
            messages.error(request, _("Please check your answers below."))
            return _form_again(request, event, form)
    else:
        ticket_type = form.cleaned_data["ticket_type"]
        try:
            registration = allocation.apply(
                ticket_type,
                user=request.user,
                show_in_list=form.cleaned_data["show_in_list"],
                language=getattr(request, "LANGUAGE_CODE", ""),
                answers=form.chosen_answers,
                questions=form.asked(ticket_type),
            )
        except allocation.EmailNotVerified as exc:
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    str(exc),
                    reverse("account_email"),
                    _("Verify my e-mail address"),
                ),
            )
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            # Green only for a seat: a waitlist place or a pending application is neutral.
            tell = messages.success if registration.status == Status.ACCEPTED else messages.info
            tell(request, _status_message(registration))
            return _status_response(request, event, applied=registration)
    return _status_response(request, event)


def _form_again(request, event, form):
    """The apply box with the bound form (422): the status box for htmx, else the page."""
    if request.htmx:
        context = status_context(request, event, form=form)
        return render(request, "events/event_detail.html#status-box", context, status=422)
    response = event_detail(request, event.pk, form=form)
    response.status_code = 422
    return response


def own_registration(request, receipt):
    return get_object_or_404(
        Registration.objects.select_related("ticket_type", "event", "event__community"),
        receipt=receipt,
        user=request.user,
    )


@login_required
def cancel_view(request, receipt):
    """GET: the confirmation step (a page, or the status box with htmx). POST: cancel."""
    registration = own_registration(request, receipt)
    event = registration.event
    if request.method == "POST":
        try:
            ratelimit.hit("cancel", request.user)
        except ratelimit.RateLimited as exc:
            return rate_limited(request, event, exc)
        try:
            allocation.cancel(registration, by=request.user)
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return _status_response(request, event)
    if not registration.is_live:
        messages.info(request, _("This registration is already cancelled."))
        return redirect(event)
    template = "events/cancel_confirm.html"
    if request.htmx:
        template += "#confirm-box"
    return render(request, template, {"registration": registration, "event": event})


@require_POST
@login_required
def self_checkin(request, event_id):
    """An attendee types the code announced in the room, during the event."""
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    form = SelfCheckInForm(request.POST)
    registration = (
        Registration.objects.filter(
            event=event, user=request.user, status__in=Registration.LIVE_STATUSES
        )
        .select_related("ticket_type", "user")
        .first()
    )
    if registration is None:
        messages.error(request, _("You have no registration for this event."))
        return redirect(event)
    if not checkin_rules.self_checkin_open(event):
        messages.error(request, _("Self check-in is open only during the event."))
        return redirect(event)
    try:
        # Every attempt counts, atomically: a burst of guesses cannot slip past the limit.
        ratelimit.check(
            f"self-checkin:{event.pk}:{request.user.pk}",
            checkin_rules.SELF_CHECKIN_ATTEMPTS,
            checkin_rules.SELF_CHECKIN_WINDOW,
        )
    except ratelimit.RateLimited:
        messages.error(request, _("Too many wrong codes. Please check in at the reception desk."))
        return redirect(event)
    if not form.is_valid() or not hmac.compare_digest(
        form.cleaned_data["code"].strip().upper(), event.checkin_code.strip().upper()
    ):
        messages.error(request, _("That is not the code announced in the room. Try again."))
        return redirect(event)
    refusal = checkin_rules.refusal(registration, event)
    if refusal:
        messages.error(request, refusal)
        return redirect(event)
    try:
        allocation.check_in(registration, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are checked in. Enjoy the event!"))
    return redirect(event)


@login_required
def reconfirm(request, event_id):
    """The attendee's "yes, I am still coming" page, linked from the reconfirmation mail."""
    event = _published_event(event_id)
    registration = (
        Registration.objects.filter(
            event=event, user=request.user, status__in=Registration.LIVE_STATUSES
        )
        .select_related("ticket_type")
        .first()
    )
    if request.method == "POST":
        if registration is None:
            messages.error(request, _("You have no seat at this event."))
        else:
            try:
                reconfirmation.confirm(registration, by=request.user)
            except RegistrationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Thank you: your seat is confirmed."))
                return redirect(event)
        return redirect("events:reconfirm", event.pk)
    return render(
        request,
        "events/reconfirm.html",
        {
            "event": event,
            "registration": registration,
            "can_confirm": registration is not None
            and reconfirmation.needs_confirmation(registration),
        },
    )
