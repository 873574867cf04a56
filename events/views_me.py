"""The signed-in person's pages: my registrations, a receipt, my answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.siteurl import site_url
from events import queries
from events.forms import AnswersForm
from events.models import Question, Registration
from events.registration import answers as answers_workflow
from events.registration import checkin as checkin_rules
from events.registration.allocation import RegistrationError
from events.views import own_registration, rate_limited

Status = Registration.Status


@login_required
def me(request):
    rows = queries.with_waitlist_positions(
        Registration.objects.filter(user=request.user)
        .select_related("ticket_type", "event", "event__community")
        .annotate(has_questions=Exists(Question.objects.filter(event=OuterRef("event"))))
        .order_by("event__starts_at", "pk")
    )
    now = timezone.now()
    upcoming = [r for r in rows if r.event.ends_at >= now]
    past = [r for r in rows if r.event.ends_at < now][::-1]
    return render(request, "events/me.html", {"upcoming": upcoming, "past": past})


@login_required
def answers_view(request, receipt):
    """The person's answers to the event's questions: a form until applications close, then
    the answers as given. Another person's receipt is a 404."""
    registration = own_registration(request, receipt)
    questions = answers_workflow.questions_for(registration.ticket_type)
    given = list(registration.answers.select_related("question"))
    editable = answers_workflow.may_change(registration)
    form = None
    if editable:
        initial = {
            f"q{a.question_id}": a.values if a.kind == Question.Kind.SEVERAL_CHOICES else a.value
            for a in given
        }
        if request.method == "POST":
            try:  # changing answers shares the apply budget
                ratelimit.hit("apply", request.user)
            except ratelimit.RateLimited as exc:
                return rate_limited(request, registration.event, exc)
        data = request.POST if request.method == "POST" else None
        form = AnswersForm(data, initial=initial, questions=questions)
        if request.method == "POST" and form.is_valid():
            try:
                answers_workflow.change(registration, form.answers(questions), by=request.user)
            except RegistrationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("events:answers", registration.receipt)
    elif request.method == "POST":
        messages.error(request, _("Applications are closed; your answers can no longer change."))
    return render(
        request,
        "events/answers.html",
        {
            "registration": registration,
            "event": registration.event,
            "form": form,
            "answers": given,
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def receipt(request, receipt):
    rows = queries.with_waitlist_positions(
        Registration.objects.filter(receipt=receipt, user=request.user).select_related(
            "ticket_type", "event", "event__community"
        )
    )
    if not rows:
        raise Http404
    registration = rows[0]
    context = {"registration": registration, "event": registration.event, "qr_svg": None}
    if registration.status == Status.ACCEPTED:
        import segno

        url = site_url(
            reverse("events:checkin", args=[checkin_rules.make_token(registration)]), request
        )
        context["checkin_url"] = url
        context["qr_svg"] = segno.make(url, error="m").svg_inline(
            scale=4, border=2, omitsize=True, title=_("Check-in code")
        )
    return render(request, "events/receipt.html", context)
