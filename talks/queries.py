"""Querysets shared by the views and template tags: a constant number of queries per page."""

from django.db.models import Prefetch

from .models import Material, Talk, TalkSpeaker


def speakers_prefetch():
    """talk.speaker_links: the talk's TalkSpeaker rows in order, each with its speaker."""
    return Prefetch(
        "talk_speakers",
        queryset=TalkSpeaker.objects.select_related("speaker").order_by("position", "pk"),
        to_attr="speaker_links",
    )


def approved_materials():
    return (
        Material.objects.filter(approved=True)
        .select_related("submitted_by")
        .order_by("-created_at", "-pk")
    )


def programme_of(event):
    """The event's talks in programme order with speakers and approved materials: 3 queries."""
    return list(
        Talk.objects.filter(event=event)
        .order_by("position", "starts_at", "pk")
        .prefetch_related(
            speakers_prefetch(),
            Prefetch("materials", queryset=approved_materials(), to_attr="approved_materials"),
        )
    )


def pending_materials(event, user):
    """The user's own submissions still waiting for approval, so they know it arrived."""
    return list(
        Material.objects.filter(event=event, submitted_by=user, approved=False).order_by(
            "-created_at", "-pk"
        )
    )
