"""The check-in desk: receipt numbers typed at the door, and the QR code of a receipt."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from events.backoffice.forms import CheckInForm
from events.backoffice.scope import (
    event_for_organiser_or_404,
    is_organiser_of,
)
from events.backoffice.views import page_context
from events.models import Registration
from events.registration import allocation
from events.registration import checkin as checkin_rules
from events.registration.allocation import RegistrationError

Status = Registration.Status

#: A QR check-in link works until this long after it was made (receipts are mailed weeks ahead).
#: A QR check-in link works until this long after it was made (receipts are mailed weeks ahead).
CHECKIN_TOKEN_MAX_AGE = 60 * 60 * 24 * 365


def _checkin_counts(event):
    return Registration.objects.filter(event=event, status=Status.ACCEPTED).aggregate(
        accepted=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )


def checkin(request, event_id, *, model_admin):
    """Type a receipt, see the name, confirm with one tap. htmx swaps only the panel."""
    event = event_for_organiser_or_404(request.user, event_id)
    result = {}
    form = CheckInForm()
    if request.method == "POST":
        posted = CheckInForm(request.POST)
        if posted.is_valid():
            receipt = posted.cleaned_data["receipt"]
            registration = checkin_rules.find_by_receipt(receipt)
            refusal = checkin_rules.refusal(registration, event)
            if refusal:
                result = {"error": refusal, "receipt": receipt}
                form = posted
            elif request.POST.get("confirm") == receipt:
                try:
                    allocation.check_in(registration, by=request.user)
                except RegistrationError as exc:
                    result = {"error": str(exc), "receipt": receipt}
                else:
                    result = {"done": registration}
            else:
                result = {"confirm": registration}
                form = posted
        else:
            form = posted
    context = page_context(
        request,
        model_admin,
        event,
        _("Check-in"),
        form=form,
        result=result,
        counts=_checkin_counts(event),
    )
    template = "admin/events/checkin.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, context)


def checkin_by_token(request, token):
    """The URL in a receipt's QR code: an organiser of the event sees who it is, taps, done."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        registration = checkin_rules.registration_for_token(token, max_age=CHECKIN_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return _token_problem(
            request,
            _(
                "This check-in code has expired. Type the receipt "
                "number on the check-in page instead."
            ),
        )
    except signing.BadSignature:
        return _token_problem(
            request,
            _(
                "This check-in code is not valid: it was not made by "
                "this site, or it was changed. Type the receipt number "
                "on the check-in page instead."
            ),
        )
    if registration is None or not is_organiser_of(request.user, registration.event.community_id):
        raise Http404
    event = registration.event
    result = {}
    if request.method == "POST":
        refusal = checkin_rules.refusal(registration, event)
        if refusal:
            result = {"error": refusal}
        else:
            try:
                allocation.check_in(registration, by=request.user)
            except RegistrationError as exc:
                result = {"error": str(exc)}
            else:
                registration.refresh_from_db()
                result = {"done": registration}
    else:
        refusal = checkin_rules.refusal(registration, event)
        result = {"error": refusal} if refusal else {"confirm": registration}
    context = {
        "event": event,
        "registration": registration,
        "result": result,
        "counts": _checkin_counts(event),
        "checkin_url": reverse("admin:events_event_checkin", args=[event.pk]),
        **admin.site.each_context(request),
        "title": _("Check-in"),
    }
    return render(request, "admin/events/checkin_token.html", context)


def _token_problem(request, message):
    context = {**admin.site.each_context(request), "problem": message, "title": _("Check-in")}
    return render(request, "admin/events/checkin_token.html", context, status=400)
