import pytest
from django.utils import timezone

from events.models import AuditLog, Event, Registration
from talks import materials
from talks.materials import MaterialError
from talks.models import Material
from tests.factories import (
    CommunityFactory,
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    TalkFactory,
    UserFactory,
)
from tests.talks.conftest import register as registered

pytestmark = pytest.mark.django_db

BLOG = Material.Kind.BLOG


def _submit(event, user, **overrides):
    values = {
        "kind": BLOG,
        "url": "https://blog.example.com/my-report",
        "title": "My report",
        **overrides,
    }
    return materials.submit(event, user=user, **values)


def test_submit_stores_pending_material_for_accepted_participant(started_event, participant):
    material = _submit(started_event, participant)

    assert (material.event, material.submitted_by, material.approved) == (
        started_event,
        participant,
        False,
    )
    assert Material.objects.count() == 1


def test_submit_accepts_checked_in_participant(started_event):
    user = registered(started_event, checked_in_at=timezone.now()).user

    assert _submit(started_event, user).submitted_by == user


def test_submit_accepts_organiser_of_the_community(started_event):
    organiser = UserFactory(is_staff=True)
    started_event.community.organisers.add(organiser)

    assert _submit(started_event, organiser).submitted_by == organiser


def test_submit_trims_url_and_collapses_title_whitespace(started_event, participant):
    material = _submit(started_event, participant, url="  https://x.example/a  ", title=" a \n b ")

    assert (material.url, material.title) == ("https://x.example/a", "a b")


def test_submit_attaches_talk_of_same_event(started_event, participant):
    talk = TalkFactory(event=started_event)

    assert _submit(started_event, participant, kind="slides", talk=talk).talk == talk


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.PENDING,
        Registration.Status.WAITLISTED,
        Registration.Status.CANCELLED,
        Registration.Status.REJECTED,
    ],
)
def test_submit_refuses_registration_without_seat(started_event, status):
    registration = registered(started_event, status=status, waitlist_rank=1)

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, registration.user)

    assert str(exc.value) == "Only participants of this event can share links."
    assert Material.objects.count() == 0


def test_submit_refuses_participant_of_another_event(started_event):
    other = registered(
        EventFactory(starts_at=started_event.starts_at, ends_at=started_event.ends_at)
    ).user

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, other)

    assert str(exc.value) == "Only participants of this event can share links."


def test_submit_refuses_before_the_event_starts():
    event = EventFactory()  # in two weeks
    user = RegistrationFactory(ticket_type__event=event).user

    with pytest.raises(MaterialError) as exc:
        _submit(event, user)

    assert str(exc.value) == "Links can be shared once the event has started."
    assert Material.objects.count() == 0


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_submit_refuses_unpublished_or_cancelled_event(started_event, participant, status):
    Event.objects.filter(pk=started_event.pk).update(status=status)
    started_event.refresh_from_db()

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant)

    assert str(exc.value) == "Links can only be shared for published events."


def test_submit_refuses_anonymous_user(started_event):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, AnonymousUser())

    assert str(exc.value) == "Log in to share a link."


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://example.com/slides.pdf",
        "//blog.example.com/x",
        "https://blog.example.com/a b",
        "blog.example.com/post",
    ],
)
def test_submit_refuses_non_http_urls(started_event, participant, url):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, url=url)

    assert str(exc.value) == "Only web links starting with http:// or https:// are accepted."
    assert Material.objects.count() == 0


def test_submit_refuses_5000_character_title(started_event, participant):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, title="x" * 5000)

    assert str(exc.value) == "The title is too long (at most 200 characters)."
    assert Material.objects.count() == 0


def test_submit_refuses_too_long_url(started_event, participant):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, url="https://example.com/" + "a" * 5000)

    assert str(exc.value) == "The link is too long (at most 500 characters)."


def test_submit_refuses_empty_title(started_event, participant):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, title="   ")

    assert str(exc.value) == "Give the link a title."


def test_submit_refuses_unknown_kind(started_event, participant):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, kind="malware")

    assert str(exc.value) == "Choose what kind of link this is."


def test_submit_refuses_talk_of_another_event(started_event, participant):
    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, talk=TalkFactory())

    assert str(exc.value) == "That talk is not part of this event."


def test_submit_refuses_duplicate_url_in_same_event(started_event, participant):
    MaterialFactory(event=started_event, url="https://blog.example.com/my-report", approved=False)

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant)

    assert str(exc.value) == "This link has already been shared for this event."
    assert Material.objects.count() == 1


def test_submit_refuses_url_already_on_programme(started_event, participant):
    talk = TalkFactory(event=started_event)

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, url=talk.slides_url)

    assert str(exc.value) == "This link is already on the programme."


def test_submit_same_url_for_another_event_is_accepted(started_event, participant):
    MaterialFactory(url="https://blog.example.com/my-report")

    assert _submit(started_event, participant).url == "https://blog.example.com/my-report"


def test_submit_rate_limits_per_user(started_event, participant, monkeypatch):
    monkeypatch.setattr(materials, "RATE_LIMIT", 3)
    for n in range(3):
        _submit(started_event, participant, url=f"https://blog.example.com/{n}")

    with pytest.raises(MaterialError) as exc:
        _submit(started_event, participant, url="https://blog.example.com/4")

    assert str(exc.value) == (
        "You have shared many links in a short time. Please try again in an hour."
    )
    assert Material.objects.count() == 3


def test_submit_rate_limit_counts_only_stored_links(started_event, participant, monkeypatch):
    monkeypatch.setattr(materials, "RATE_LIMIT", 1)
    with pytest.raises(MaterialError):
        _submit(started_event, participant, url="javascript:alert(1)")

    assert _submit(started_event, participant).approved is False


def test_submit_is_logged(started_event, participant):
    material = _submit(started_event, participant)

    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.event, entry.target) == (
        "material.submitted",
        participant,
        started_event,
        str(material),
    )


def test_approve_marks_pending_materials_and_counts_them(organiser):
    community = CommunityFactory(organisers=[organiser])
    pending = MaterialFactory.create_batch(3, event__community=community, approved=False)
    already = MaterialFactory(event=pending[0].event, approved=True)

    count = materials.approve([*pending, already], by=organiser)

    assert count == 3
    assert list(Material.objects.filter(approved=False)) == []
    assert {m.approved_by for m in Material.objects.filter(pk__in=[m.pk for m in pending])} == {
        organiser
    }


def test_approve_accepts_queryset(organiser):
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    MaterialFactory.create_batch(2, event=event, approved=False)

    assert materials.approve(Material.objects.all(), by=organiser) == 2


def test_approve_refuses_organiser_of_another_community(organiser):
    CommunityFactory(organisers=[organiser])
    material = MaterialFactory(approved=False)

    with pytest.raises(MaterialError) as exc:
        materials.approve([material], by=organiser)

    assert str(exc.value) == "Only the event's organisers can moderate its materials."
    material.refresh_from_db()
    assert material.approved is False


def test_approve_superuser_may_approve_anything():
    admin = UserFactory(is_staff=True, is_superuser=True)
    material = MaterialFactory(approved=False)

    assert materials.approve([material], by=admin) == 1


def test_reject_deletes_materials(organiser):
    event = EventFactory(community=CommunityFactory(organisers=[organiser]))
    MaterialFactory.create_batch(2, event=event, approved=False)

    count = materials.reject(Material.objects.all(), by=organiser)

    assert count == 2
    assert Material.objects.count() == 0
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["material.rejected"] * 2
