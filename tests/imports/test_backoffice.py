"""Organisers start an import from the back office; it runs as a task; a page shows progress."""

import pytest

from imports.models import ImportRun
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def organiser(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def test_organiser_imports_from_the_back_office(
    client,
    organiser,
    connpass_server,
    docker_tokyo,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CONNPASS_API_KEY = "connpass-test-key"
    settings.CONNPASS_IMPORT_INTERVAL = 0
    community = CommunityFactory(slug="ours", organisers=[organiser])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/imports/importrun/add/",
            {"community": community.pk, "subdomain": "docker-tokyo", "base_url": connpass_server},
        )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/imports/importrun/{run.pk}/progress/"
    assert (run.status, run.events_total, run.events_done, run.talks_done) == ("done", 2, 2, 2)
    assert run.message == "2 events created, 0 updated, 2 talks, 1 blog posts."
    assert (run.started_by, community.events.count()) == (organiser, 2)
    assert set(community.events.values_list("owner", flat=True)) == {organiser.pk}
    page = client.get(response["Location"], **EN).text
    assert '<progress id="import-progress" max="100" value="100">' in page
    assert 'http-equiv="refresh"' not in page


def test_progress_page_refreshes_while_running(client, organiser):
    run = ImportRun.objects.create(
        community=CommunityFactory(organisers=[organiser]),
        subdomain="docker-tokyo",
        status=ImportRun.Status.RUNNING,
        events_total=40,
        events_done=10,
    )

    page = client.get(f"/admin/imports/importrun/{run.pk}/progress/", **EN).text

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="import-progress" max="100" value="25">' in page


def test_failed_run_shows_its_message(
    client, organiser, connpass_server, recorded, settings, django_capture_on_commit_callbacks
):
    settings.CONNPASS_IMPORT_INTERVAL = 0
    recorded.json("/groups/", {"detail": "bad key"}, status=401)
    community = CommunityFactory(organisers=[organiser])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/imports/importrun/add/",
            {"community": community.pk, "subdomain": "x-group", "base_url": connpass_server},
        )

    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert run.message.endswith(
        "refused the API key (HTTP 401). Check --api-key or CONNPASS_API_KEY."
    )


def test_organiser_cannot_import_into_another_community(client, organiser):
    CommunityFactory(organisers=[organiser])
    theirs = CommunityFactory()

    response = client.post(
        "/admin/imports/importrun/add/",
        {
            "community": theirs.pk,
            "subdomain": "docker-tokyo",
            "base_url": "https://connpass.com/api/v2",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert ImportRun.objects.count() == 0


def test_other_organisers_runs_are_404(client, organiser):
    run = ImportRun.objects.create(community=CommunityFactory(), subdomain="x")

    assert client.get(f"/admin/imports/importrun/{run.pk}/progress/").status_code == 404


def test_unexpected_error_marks_the_run_failed(monkeypatch, settings):
    from imports import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(tasks, "import_group", broken)
    run = ImportRun.objects.create(community=CommunityFactory(), subdomain="x")

    with pytest.raises(RuntimeError):
        tasks.run_import.call(run.pk)

    run.refresh_from_db()
    assert (run.status, run.finished_at is not None) == ("failed", True)
    assert run.message.startswith("Unexpected error")
