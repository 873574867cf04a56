"""Community pages: the community and its events, joining and leaving, new-event mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events import queries
from events.models import Community, Event, Membership, Registration
from events.tasks import read_unsubscribe_token

Status = Registration.Status
PER_PAGE = 20


def community_detail(request, slug):
    community = get_object_or_404(
        Community.objects.annotate(n_members=Count("memberships")), slug=slug
    )
    now = timezone.now()
    published = Event.objects.published().filter(community=community)
    upcoming = list(queries.events_with_figures(published.upcoming(now)))
    past_page = Paginator(queries.events_with_figures(published.past(now)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(community=community, user=request.user).first()
    return render(
        request,
        "events/community_detail.html",
        {
            "community": community,
            "upcoming": upcoming,
            "page_obj": past_page,
            "past": past_page.object_list,
            "membership": membership,
        },
    )


@require_POST
@login_required
def community_membership(request, slug, action):
    community = get_object_or_404(Community, slug=slug)
    user = request.user
    if action == "join":
        Membership.objects.get_or_create(
            community=community,
            user=user,
            defaults={"language": getattr(request, "LANGUAGE_CODE", "") or "ja"},
        )
        messages.success(request, _("You joined %(name)s.") % {"name": community.name})
    elif action == "leave":
        Membership.objects.filter(community=community, user=user).delete()
        messages.success(request, _("You left %(name)s.") % {"name": community.name})
    elif action == "notify":
        on = request.POST.get("notify") == "1"
        updated = Membership.objects.filter(community=community, user=user).update(
            notify_new_events=on
        )
        if updated:
            messages.success(
                request,
                _("We will e-mail you new events.") if on else _("No more new-event e-mails."),
            )
    else:
        raise Http404
    return redirect(community)


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
def unsubscribe(request, token):
    membership_id = read_unsubscribe_token(token)
    membership = get_object_or_404(
        Membership.objects.select_related("community"), pk=membership_id or 0
    )
    done = False
    if request.method == "POST":
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(notify_new_events=False)
        done = True
    return render(
        request,
        "events/unsubscribe.html",
        {"membership": membership, "community": membership.community, "done": done},
    )
