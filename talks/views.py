from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from events.models import Event

from . import materials, speaker_links
from .forms import MaterialForm
from .models import Speaker, Talk
from .queries import approved_materials, pending_materials, speakers_prefetch


def talk_detail(request, event_id, talk_id):
    event = get_object_or_404(Event.objects.published().select_related("community"), pk=event_id)
    talk = get_object_or_404(
        Talk.objects.filter(event=event).prefetch_related(
            speakers_prefetch(),
            Prefetch("materials", queryset=approved_materials(), to_attr="approved_materials"),
        ),
        pk=talk_id,
    )
    return render(request, "talks/talk_detail.html", {"event": event, "talk": talk})


def speaker_detail(request, speaker_id):
    speaker = get_object_or_404(Speaker.objects.select_related("user"), pk=speaker_id)
    talks = (
        Talk.objects.filter(speakers=speaker, event__in=Event.objects.published())
        .select_related("event")
        .prefetch_related(speakers_prefetch())
        .order_by("-event__starts_at", "position", "pk")
    )
    page = Paginator(talks, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "talks/speaker_detail.html",
        {"speaker": speaker, "page_obj": page, "talks": page.object_list},
    )


@require_POST
def submit_material(request, event_id):
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    if not request.user.is_authenticated:
        messages.error(request, _("Log in to share a link."))
        return redirect(f"{reverse('account_login')}?next={event.get_absolute_url()}")
    form = MaterialForm(request.POST, event=event)
    notice = None
    if form.is_valid():
        try:
            materials.submit(
                event,
                user=request.user,
                kind=form.cleaned_data["kind"],
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
                talk=form.cleaned_data.get("talk"),
            )
        except materials.MaterialError as exc:
            form.add_error(None, str(exc))
        else:
            notice = _("Thank you! Your link will appear here once an organiser approves it.")
            form = MaterialForm(event=event)
    if request.htmx:
        context = {
            "event": event,
            "form": form,
            "notice": notice,
            "pending": pending_materials(event, request.user),
        }
        return render(request, "talks/_share_material.html#submit-form", context)
    if notice:
        messages.success(request, notice)
    else:
        messages.error(request, form.error_text())
    # Back to the top of the event page, where the message shows.
    return redirect(event)


SPEAKER_LINK_ACTIONS = {
    "accept": (speaker_links.accept, gettext_lazy("Your account is now linked to %(name)s.")),
    "decline": (speaker_links.decline, gettext_lazy("You declined the link to %(name)s.")),
    "unlink": (speaker_links.unlink, gettext_lazy("Your account is no longer linked to %(name)s.")),
}


@require_POST
@login_required
def speaker_link_view(request, speaker_id, action):
    """Accept or decline an invitation to a speaker entry, or unlink one, from the profile."""
    if action not in SPEAKER_LINK_ACTIONS:
        raise Http404
    speaker = get_object_or_404(Speaker, pk=speaker_id)
    change, done = SPEAKER_LINK_ACTIONS[action]
    try:
        change(speaker, user=request.user)
    except speaker_links.SpeakerLinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"name": speaker.name})
    return redirect("accounts:profile")
