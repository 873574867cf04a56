"""A talk's speakers, set from the names an organiser types in the event editor.

    set_speakers(talk, ["Aiko Sato", "Kenji"])   # in this order; unknown names become speakers

Speakers belong to no community (the same person speaks at many): a typed name that matches
an existing speaker exactly reuses the oldest one with that name; any other name adds a new
speaker, whose profile can be completed on its own page.
"""

import re

from django.db import transaction

from events import page_versions

from .models import Speaker, TalkSpeaker

MAX_SPEAKERS = 20


def parse_names(text: str) -> list[str]:
    """Comma (or 、 or newline) separated names, trimmed, without blanks or repeats."""
    names = []
    for part in re.split(r"[,、\n]", text or ""):
        name = " ".join(part.split())[:100]
        if name and name not in names:
            names.append(name)
    return names[:MAX_SPEAKERS]


def set_speakers(talk, names: list[str]) -> list[Speaker]:
    with transaction.atomic():
        existing = {}
        for speaker in Speaker.objects.filter(name__in=names).order_by("pk"):
            existing.setdefault(speaker.name, speaker)
        speakers = [existing.get(name) or Speaker.objects.create(name=name) for name in names]
        TalkSpeaker.objects.filter(talk=talk).delete()
        TalkSpeaker.objects.bulk_create(
            TalkSpeaker(talk=talk, speaker=speaker, position=position)
            for position, speaker in enumerate(speakers)
        )
        page_versions.event_changed(talk.event_id)  # bulk writes send no signal
    return speakers
