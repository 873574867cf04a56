"""The importer against recorded connpass API v2 responses served by a local HTTP server."""

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.markdown import render_markdown
from events.models import Community, Event
from imports.client import ConnpassClient, ImportFailure
from imports.importer import import_group
from talks.models import Material, Talk
from tests.factories import CommunityFactory, EventFactory, UserFactory

from .conftest import GROUP, KEY, event, page

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def test_import_creates_the_community_events_and_talks(connpass, docker_tokyo):
    community, summary = import_group(connpass, "docker-tokyo")

    assert (community.slug, community.name, community.catch) == (
        "docker-tokyo",
        "Docker Meetup Tokyo",
        "コンテナ技術の勉強会",
    )
    assert (summary.created, summary.updated, summary.talks, summary.links) == (2, 0, 2, 1)
    first, second = community.events.order_by("starts_at")
    assert (first.number, first.title, first.catch) == (
        23,
        "Docker Meetup Tokyo #23",
        "BuildKit と rootless",
    )
    assert first.starts_at == dt.datetime(2019, 3, 14, 19, 0, tzinfo=TOKYO)
    assert (first.timezone, first.venue_name, first.address, first.hashtag) == (
        "Asia/Tokyo",
        "渋谷ヒカリエ",
        "東京都渋谷区渋谷2-21-1",
        "dockertokyo",
    )
    assert (first.latitude, first.longitude) == (Decimal("35.659000"), Decimal("139.703600"))
    assert (first.imported_limit, first.imported_accepted, first.imported_waiting) == (95, 95, 187)
    assert (first.status, first.import_id, first.is_imported) == ("published", 101, True)
    assert first.import_url == "https://docker-tokyo.connpass.com/event/101/"
    assert first.ticket_types.count() == 0  # closed to applications here
    assert (second.number, second.status, second.latitude, second.imported_limit) == (
        24,
        Event.Status.CANCELLED,
        None,
        None,
    )
    talks = list(Talk.objects.filter(event=second).order_by("position"))
    assert [(t.title, t.slides_url, t.video_url) for t in talks] == [
        (
            "BuildKit 入門",
            "https://speakerdeck.com/a/buildkit",
            "https://www.youtube.com/watch?v=b",
        ),
        ("LT: rootless", "https://speakerdeck.com/c/rootless", ""),
    ]
    speaker = talks[0].speakers.get()
    assert (speaker.name, speaker.profile_url, speaker.user) == (
        "speaker1",
        connpass.base_url.removesuffix("/api/v2") + "/users/speaker1/",
        None,
    )
    blog = Material.objects.get(event=second)
    assert (blog.kind, blog.title, blog.url, blog.approved) == (
        "blog",
        "参加レポート",
        "https://blog.example.com/24",
        True,
    )


def test_import_description_is_sanitised_markdown(connpass, docker_tokyo):
    community, _summary = import_group(connpass, "docker-tokyo")

    description = community.events.get(import_id=101).description
    html = str(render_markdown(description))

    assert description.startswith("## 概要\n\nDocker の**最新情報**。")
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<h2>概要</h2>" in html


def test_import_again_updates_and_never_duplicates(connpass, docker_tokyo):
    community, _summary = import_group(connpass, "docker-tokyo")
    Event.objects.filter(import_id=101).update(title="changed here")

    _community, again = import_group(connpass, "docker-tokyo")

    assert (again.created, again.updated) == (0, 2)
    assert community.events.count() == 2
    assert Talk.objects.count() == 2
    assert Material.objects.count() == 1
    assert community.events.get(import_id=101).title == "Docker Meetup Tokyo #23"


def test_import_owner_is_the_first_organiser_of_the_community(connpass, docker_tokyo):
    first, second = UserFactory(), UserFactory()
    target = CommunityFactory(slug="mine", organisers=[first, second])

    import_group(connpass, "docker-tokyo", community=target)

    assert set(target.events.values_list("owner", flat=True)) == {first.pk}


def test_import_into_another_community_keeps_taken_numbers_free(connpass, docker_tokyo):
    target = CommunityFactory(slug="mine")
    EventFactory(community=target, number=23, title="Our own #23")

    import_group(connpass, "docker-tokyo", community=target)

    assert sorted(
        target.events.filter(import_id__isnull=False).values_list("import_id", "number")
    ) == [(101, None), (102, 24)]


def test_import_sends_the_key_and_reads_every_page(connpass, docker_tokyo):
    import_group(connpass, "docker-tokyo")

    assert set(docker_tokyo.keys) == {KEY}
    assert [path.split("?")[0] for path in docker_tokyo.requests] == [
        "/api/v2/groups/",
        "/api/v2/events/",
        "/api/v2/events/101/presentations/",
        "/api/v2/events/",
        "/api/v2/events/102/presentations/",
    ]


def test_import_paces_requests_at_the_interval(connpass_server, docker_tokyo, sleeps):
    paced = ConnpassClient(
        base_url=connpass_server,
        api_key=KEY,
        interval=1.0,
        sleep=sleeps.append,
        clock=lambda: 0.0,  # a clock that never advances: every request after the first waits
    )
    import_group(paced, "docker-tokyo")

    assert sleeps == [1.0] * 4  # five requests, one second apart


def test_import_waits_out_a_429_retry_after(connpass, recorded, docker_tokyo, sleeps):
    recorded.routes["/groups/"].insert(
        0, (429, {"Retry-After": "7"}, b'{"detail": "Too many requests"}')
    )

    _community, summary = import_group(connpass, "docker-tokyo")

    assert sleeps == [7.0]
    assert summary.created == 2


def test_import_retries_a_5xx(connpass, recorded, docker_tokyo, sleeps):
    recorded.routes["/events/?start=1"].insert(0, (503, {}, b"<html>busy</html>"))
    recorded.routes["/events/?start=1"].insert(0, (500, {}, b"oops"))

    _community, summary = import_group(connpass, "docker-tokyo")

    assert summary.created == 2
    assert len(sleeps) == 2


def test_import_gives_up_after_repeated_5xx(connpass, recorded, docker_tokyo):
    recorded.routes["/groups/"] = [(502, {}, b"bad gateway")]

    with pytest.raises(ImportFailure, match="failed with HTTP 502, 4 times"):
        import_group(connpass, "docker-tokyo")


def test_import_with_a_wrong_key_stops_clearly(connpass, recorded):
    recorded.json("/groups/", {"detail": "A valid API key is required."}, status=401)

    with pytest.raises(ImportFailure, match=r"refused the API key \(HTTP 401\)"):
        import_group(connpass, "docker-tokyo")


def test_import_of_an_unknown_group_stops_clearly(connpass, recorded):
    recorded.json("/groups/", page("groups", []))

    with pytest.raises(ImportFailure, match="No group 'nope'"):
        import_group(connpass, "nope")
    assert not Community.objects.filter(slug="nope").exists()


def test_import_timeout_stops_clearly(connpass_server, recorded):
    recorded.add("/groups/", ("slow", {}, 1.0))
    impatient = ConnpassClient(
        base_url=connpass_server, api_key=KEY, interval=0, timeout=0.2, retries=1, sleep=print
    )

    with pytest.raises(ImportFailure, match=r"did not answer within 0\.2 s, 2 times"):
        import_group(impatient, "docker-tokyo")


def test_malformed_response_keeps_whole_events_and_resumes(connpass, docker_tokyo):
    docker_tokyo.routes["/events/102/presentations/?start=1"].insert(0, (200, {}, b"{not json"))

    with pytest.raises(ImportFailure, match="malformed response"):
        import_group(connpass, "docker-tokyo")

    assert list(Event.objects.values_list("import_id", flat=True)) == [101]
    assert Talk.objects.count() == 0

    _community, summary = import_group(connpass, "docker-tokyo")  # resume

    assert (summary.created, summary.updated) == (1, 1)
    assert sorted(Event.objects.values_list("import_id", flat=True)) == [101, 102]
    assert Talk.objects.count() == 2


def test_malformed_event_fields_stop_clearly(connpass, recorded):
    recorded.json("/groups/", page("groups", [GROUP]))
    recorded.json("/events/?start=1", page("events", [event(101, 1, started_at="soon")]))
    recorded.json("/events/101/presentations/?start=1", page("presentations", []))

    with pytest.raises(ImportFailure, match="'started_at' is not a date"):
        import_group(connpass, "docker-tokyo")
    assert Event.objects.count() == 0


def test_command_imports_with_the_key_from_the_environment(connpass_server, docker_tokyo, settings):
    settings.CONNPASS_API_KEY = KEY
    out = io.StringIO()

    call_command(
        "import_connpass",
        "--group=docker-tokyo",
        f"--base-url={connpass_server}",
        "--interval=0",
        stdout=out,
        verbosity=0,
    )

    assert out.getvalue() == (
        "Docker Meetup Tokyo: 2 events created, 0 updated, 2 talks, 1 blog posts (5 requests).\n"
    )
    assert set(docker_tokyo.keys) == {KEY}


def test_command_reports_failure_as_command_error(connpass_server, recorded):
    recorded.json("/groups/", {"detail": "bad key"}, status=401)

    with pytest.raises(CommandError, match=r"refused the API key.*Run the command again"):
        call_command(
            "import_connpass",
            "--group=docker-tokyo",
            f"--base-url={connpass_server}",
            "--api-key=wrong",
            "--interval=0",
            verbosity=0,
        )


def test_command_without_key_fails(settings):
    settings.CONNPASS_API_KEY = ""

    with pytest.raises(CommandError, match="An API key is needed"):
        call_command("import_connpass", "--group=docker-tokyo", verbosity=0)


def test_broken_connections_are_retried_then_reported(connpass_server, recorded):
    recorded.add("/groups/", ("drop", {}, b""))
    sleeps = []
    client = ConnpassClient(
        base_url=connpass_server, api_key=KEY, interval=0.5, retries=2, sleep=sleeps.append
    )

    with pytest.raises(ImportFailure, match=r"broke the connection .*, 3 times"):
        import_group(client, "docker-tokyo")
    backoff = [pause for pause in sleeps if pause >= 1]  # (the others pace the requests)
    assert backoff == [1.0, 2.0]  # interval × 2, then × 4


def test_an_event_that_is_not_an_object_stops_clearly(connpass, recorded):
    recorded.json("/groups/", page("groups", [GROUP]))
    recorded.json("/events/?start=1", page("events", ["oops"]))

    with pytest.raises(ImportFailure, match="an event is not a JSON object"):
        import_group(connpass, "docker-tokyo")
