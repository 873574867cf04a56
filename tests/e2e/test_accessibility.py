"""axe-core in Chromium and the Nu HTML Checker on the main pages of the demo."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Event, Registration
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    event = Event.objects.get(number=23, community__slug="docker-tokyo")
    # A live registration for an upcoming event: its page shows the status box and "cancel".
    registration = (
        Registration.objects.filter(
            status__in=Registration.LIVE_STATUSES, event__starts_at__gt=event.starts_at
        )
        .select_related("user")
        .order_by("event__starts_at", "pk")
        .first()
    )
    return {"event": event, "registration": registration}


@pytest.fixture
def demo_pages(demo):
    event = demo["event"]
    talk = event.talks.order_by("position").first()
    speaker = talk.speakers.order_by("pk").first()
    return [
        "/",
        "/events/",
        f"/events/{event.pk}/",
        f"/events/{event.pk}/lottery/",
        f"/events/{event.pk}/talks/{talk.pk}/",
        f"/communities/{event.community.slug}/",
        "/reports/",
        f"/reports/{event.pk}/",
        f"/speakers/{speaker.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


@pytest.fixture
def member_pages(demo):
    """Pages of a signed-in attendee with a live registration."""
    registration = demo["registration"]
    return [
        "/me/",
        registration.get_absolute_url(),
        f"/events/{registration.event_id}/",
        "/accounts/profile/",
    ]


def session_cookie(client, user):
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_main_pages_have_no_serious_accessibility_violations(
    browser, live_server, client, demo, demo_pages, member_pages
):
    require(AXE.exists(), "needs axe-core: npm install (package.json)")
    # axe is injected by the test, so this context alone lets it past the page's CSP.
    context = browser.new_context(bypass_csp=True, locale="ja-JP")
    page = context.new_page()
    source = AXE.read_text()
    problems = {}
    cookie = session_cookie(client, demo["registration"].user)
    for number, path in enumerate(demo_pages + member_pages):
        if number == len(demo_pages):
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        page.goto(live_server.url + path)
        page.evaluate(source)
        result = page.evaluate("async () => (await axe.run(document)).violations")
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
            for v in result
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            problems[path] = serious
    context.close()
    assert problems == {}


def test_main_pages_are_valid_html(client, demo, demo_pages, member_pages, tmp_path):
    require(VNU.exists(), "needs vnu-jar: npm install (package.json)")
    require(shutil.which("java") is not None, "needs Java for the Nu HTML Checker")
    files = []
    pages = demo_pages + member_pages
    for number, path in enumerate(pages):
        if number == len(demo_pages):
            client.force_login(demo["registration"].user)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 200, path
        file = tmp_path / f"page{number}.html"
        file.write_bytes(response.content)
        files.append(file)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{pages[int(Path(m['url']).stem.removeprefix('page'))]}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []
