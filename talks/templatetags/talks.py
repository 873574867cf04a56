"""Template tags through which lower apps' pages show talks and materials.

`{% programme event %}` and `{% event_materials event %}` on the event page, `{% my_talks user %}`
on the profile. Each renders with a fixed number of queries, whatever the number of talks.
"""

from django import template
from django.template.loader import render_to_string

from core import fragments
from core.fragments import SKELETON
from events import page_versions
from events.models import Event, Registration
from talks import materials as workflow
from talks.forms import MaterialForm
from talks.models import Material, Talk
from talks.providers import recognise
from talks.queries import approved_materials, pending_materials, programme_of

register = template.Library()

#: Shown in "Materials"; blog posts go to "Reports by participants".
MEDIA_KINDS = (Material.Kind.SLIDES, Material.Kind.VIDEO, Material.Kind.PHOTOS, Material.Kind.OTHER)


def _render(context, name, values):
    # A skeleton (core/fragments.py) stays one: the personal blocks inside stay markers.
    values[SKELETON] = context.get(SKELETON)
    return render_to_string(name, values, request=context.get("request"))


@register.simple_tag(takes_context=True)
def programme(context, event):
    """The timetable: times when known, else the order; kinds, speakers, slides and videos."""
    talks = programme_of(event)
    for talk in talks:
        talk.media = [m for m in talk.approved_materials if m.kind in MEDIA_KINDS]
    return _render(
        context,
        "talks/programme.html",
        {
            "event": event,
            "talks": talks,
            "has_times": any(talk.starts_at for talk in talks),
            "has_embeds": any(_has_embed(talk) for talk in talks),
        },
    )


def _has_embed(talk) -> bool:
    urls = [talk.slides_url, talk.video_url, *(m.url for m in talk.media)]
    return any(recognise(url).embed_url for url in urls if url)


@register.simple_tag(takes_context=True)
def event_materials(context, event):
    """Materials (slides, videos) and participants' reports, newest first, and the share form
    (`share_material`, personal: the event page keeps the rest for everyone)."""
    items = list(approved_materials().filter(event=event).select_related("talk"))
    if not items and not event.has_started:
        return ""
    media = [m for m in items if m.kind in MEDIA_KINDS]
    values = {
        "event": event,
        "media": media,
        "reports": [m for m in items if m.kind == Material.Kind.BLOG],
        "has_embeds": any(recognise(m.url).embed_url for m in media),
    }
    return _render(context, "talks/event_materials.html", values)


def _blank_form(event):
    """The empty share form, the same for every participant: rendered once per event version
    (Django's form rendering costs more than the rest of the personal blocks together)."""

    def render():
        talks = list(Talk.objects.filter(event=event).only("pk", "title").order_by("position"))
        return str(MaterialForm(event=event, talks=talks))

    return fragments.remember(
        f"material-form:{event.pk}", page_versions.event_content(event.pk), render
    )


def _accepted_on_page(context, event) -> bool:
    """The event page already read the person's registration: a participant needs no query."""
    registration = context.get("registration")
    return bool(
        registration is not None
        and getattr(registration, "event_id", None) == event.pk
        and registration.status == Registration.Status.ACCEPTED
    )


@register.simple_tag(takes_context=True)
def share_material(context, event):
    """The form to share a link, for the event's participants once it has started; a login
    prompt for readers."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    values = {"event": event, "started": event.has_started, "can_submit": False}
    if (
        event.has_started
        and not event.is_cancelled
        and getattr(user, "is_authenticated", False)
        and (_accepted_on_page(context, event) or workflow.may_submit(event, user))
    ):
        values.update(
            can_submit=True, form=_blank_form(event), pending=pending_materials(event, user)
        )
    return _render(context, "talks/_share_material.html", values)


@register.simple_tag(takes_context=True)
def my_talks(context, user):
    """The signed-in speaker's talks across public events; nothing for people who never spoke."""
    if not getattr(user, "is_authenticated", False):
        return ""
    talks = list(
        Talk.objects.filter(speakers__user=user, event__in=Event.objects.published())
        .select_related("event")
        .order_by("-event__starts_at", "position", "pk")
        .distinct()
    )
    speakers = list(user.speaker_profiles.all())
    invitations = list(user.speaker_invitations.select_related("invited_by"))
    if not talks and not speakers and not invitations:
        return ""
    return _render(
        context,
        "talks/my_talks.html",
        {"talks": talks, "speakers": speakers, "invitations": invitations},
    )


@register.inclusion_tag("talks/link_card.html")
def link_card(url, kind="", title="", note="", frame_title=""):
    """A tidy card for a slides/video/blog link, with a click-to-load embed where possible.

    Without a title the card is compact: the kind and the provider ("Slides · Speaker Deck").
    """
    link = recognise(url)
    return {
        "link": link,
        "kind": kind,
        "title": title,
        "note": note,
        "frame_title": frame_title or title or link.label,
    }


@register.filter
def provider_label(url):
    return recognise(url).label


@register.filter
def http_url(url):
    """The URL if it is http(s), else "": for hrefs built from stored links."""
    return recognise(url).url


@register.simple_tag(takes_context=True)
def profile_talks(context, person):
    """A person's talks on their public profile, with slides and videos; nothing if none."""
    talks = list(
        Talk.objects.filter(speakers__user=person, event__in=Event.objects.published())
        .select_related("event")
        .order_by("-event__starts_at", "position", "pk")
        .distinct()
    )
    if not talks:
        return ""
    return _render(context, "talks/profile_talks.html", {"talks": talks})
