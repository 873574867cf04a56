import pytest
from django.urls import reverse

from events.models import AuditLog
from talks.models import Material, Speaker, Talk
from tests.factories import (
    MaterialFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:talks_material_changelist")


def test_material_bulk_approve_action_approves_selected(client, organiser, event):
    selected = MaterialFactory.create_batch(3, event=event, approved=False)
    untouched = MaterialFactory(event=event, approved=False)
    client.force_login(organiser)

    response = client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [m.pk for m in selected]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert response.status_code == 200
    assert "3 materials approved." in response.text
    assert set(Material.objects.filter(approved=True).values_list("pk", flat=True)) == {
        m.pk for m in selected
    }
    untouched.refresh_from_db()
    assert untouched.approved is False
    assert AuditLog.objects.filter(action="material.approved").count() == 3


def test_material_reject_action_deletes_selected(client, organiser, event):
    material = MaterialFactory(event=event, approved=False)
    client.force_login(organiser)

    client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": [material.pk]})

    assert Material.objects.count() == 0


def test_material_pending_filter_lists_only_pending(client, organiser, event):
    MaterialFactory(event=event, title="Waiting", approved=False)
    MaterialFactory(event=event, title="Already live", approved=True)
    client.force_login(organiser)

    response = client.get(CHANGELIST, {"status": "pending"})

    assert response.status_code == 200
    assert "Waiting" in response.text
    assert "Already live" not in response.text


def test_material_list_hides_other_communities_materials(client, organiser, event):
    MaterialFactory(event=event, title="Ours")
    theirs = MaterialFactory(title="Theirs")
    client.force_login(organiser)

    response = client.get(CHANGELIST)

    assert "Ours" in response.text
    assert "Theirs" not in response.text
    change = reverse("admin:talks_material_change", args=[theirs.pk])
    assert client.get(change).status_code == 404


def test_material_bulk_approve_cannot_reach_other_communities(client, organiser, event):
    theirs = MaterialFactory(approved=False)
    client.force_login(organiser)

    client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [theirs.pk]})

    theirs.refresh_from_db()
    assert theirs.approved is False


def test_material_added_in_admin_is_approved_at_once(client, organiser, event):
    client.force_login(organiser)

    response = client.post(
        reverse("admin:talks_material_add"),
        {
            "event": event.pk,
            "kind": "video",
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Recording",
        },
    )

    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.approved, material.approved_by, material.submitted_by) == (
        True,
        organiser,
        organiser,
    )


def test_material_admin_refuses_javascript_url(client, organiser, event):
    client.force_login(organiser)

    response = client.post(
        reverse("admin:talks_material_add"),
        {"event": event.pk, "kind": "blog", "url": "javascript:alert(1)", "title": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert Material.objects.count() == 0


def test_material_list_is_refused_to_non_organiser_staff(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(CHANGELIST).status_code == 403


def test_speaker_admin_is_searchable_by_organisers(client, organiser, event):
    SpeakerFactory(name="Akihiro Suda", affiliation="NTT")
    SpeakerFactory(name="Chie Hayashida", affiliation="Cookpad")
    client.force_login(organiser)

    response = client.get(reverse("admin:talks_speaker_changelist"), {"q": "Suda"})

    assert response.status_code == 200
    assert "Akihiro Suda" in response.text
    assert "Chie Hayashida" not in response.text


def test_speaker_admin_organiser_may_add(client, organiser, event):
    client.force_login(organiser)

    response = client.post(
        reverse("admin:talks_speaker_add"), {"name": "makocchi", "affiliation": ""}
    )

    assert response.status_code == 302
    assert list(Speaker.objects.values_list("name", flat=True)) == ["makocchi"]


def test_event_admin_shows_talks_inline_ordered_by_number(client, organiser, event):
    TalkFactory(event=event, title="Lightning two", position=2)
    TalkFactory(event=event, title="Session one", position=1)
    client.force_login(organiser)

    response = client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
    html = response.text
    assert html.index('value="Session one"') < html.index('value="Lightning two"')


def test_talk_admin_hides_other_communities_talks(client, organiser, event):
    TalkFactory(event=event, title="Our talk")
    TalkFactory(title="Their talk")
    client.force_login(organiser)

    response = client.get(reverse("admin:talks_talk_changelist"))

    assert "Our talk" in response.text
    assert "Their talk" not in response.text
    assert Talk.objects.count() == 2
