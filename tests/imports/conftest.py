"""A small local HTTP server that answers like connpass API v2, from recorded responses.

The responses are written from connpass's published API v2 reference (field names, nulls,
offsets, the paging envelope). Each route holds a queue of answers; the last one repeats.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from imports.client import ConnpassClient

KEY = "connpass-test-key"

GROUP = {
    "id": 1,
    "subdomain": "docker-tokyo",
    "title": "Docker Meetup Tokyo",
    "sub_title": "コンテナ技術の勉強会",
    "url": "https://docker-tokyo.connpass.com/",
    "description": "<p>Docker とコンテナの勉強会です。</p>",
    "owner_text": "hamako",
    "image_url": None,
    "website_url": "https://docker.example.com/",
    "website_name": "docker.example.com",
    "twitter_username": "dockertokyo",
    "facebook_url": None,
    "member_users_count": 4123,
}


def event(event_id, number, **extra):
    data = {
        "id": event_id,
        "title": f"Docker Meetup Tokyo #{number}",
        "catch": "BuildKit と rootless",
        "description": (
            "<h2>概要</h2><p>Docker の<strong>最新情報</strong>。</p>"
            '<script>alert("x")</script><p><a href="javascript:alert(1)">click</a></p>'
        ),
        "url": f"https://docker-tokyo.connpass.com/event/{event_id}/",
        "image_url": None,
        "hash_tag": "dockertokyo",
        "started_at": "2019-03-14T19:00:00+09:00",
        "ended_at": "2019-03-14T21:30:00+09:00",
        "limit": 95,
        "event_type": "participation",
        "open_status": "close",
        "group": {key: GROUP[key] for key in ("id", "subdomain", "title", "url")},
        "address": "東京都渋谷区渋谷2-21-1",
        "place": "渋谷ヒカリエ",
        "lat": "35.659000",
        "lon": "139.703600",
        "owner_id": 8,
        "owner_nickname": "hamako",
        "owner_display_name": "はまこ",
        "accepted": 95,
        "waiting": 187,
        "updated_at": "2019-03-15T10:02:11+09:00",
    }
    data.update(extra)
    return data


def presentation(name, url, kind, nickname="speaker1"):
    user = {"id": 12, "nickname": nickname} if nickname else None
    return {
        "user": user,
        "url": url,
        "name": name,
        "presenter": user,
        "presentation_type": kind,
        "created_at": "2019-03-15T09:00:00+09:00",
    }


def page(key, items, start=1, total=None):
    return {
        "results_returned": len(items),
        "results_available": len(items) if total is None else total,
        "results_start": start,
        key: items,
    }


class Recorded:
    """Routes ("/events/?start=1") to queues of (status, headers, body or delay)."""

    def __init__(self):
        self.routes: dict[str, list] = {}
        self.requests: list[str] = []
        self.keys: list[str] = []

    def add(self, route, *answers):
        self.routes.setdefault(route, []).extend(answers)

    def json(self, route, body, status=200, headers=None):
        self.add(route, (status, headers or {}, json.dumps(body).encode()))

    def answer(self, route):
        queue = self.routes.get(route)
        if not queue:
            return 404, {}, json.dumps({"detail": "Not found."}).encode()
        return queue.pop(0) if len(queue) > 1 else queue[0]


def _route(path):
    parts = urlsplit(path)
    query = parse_qs(parts.query)
    route = parts.path.removeprefix("/api/v2")
    if "start" in query:
        route += f"?start={query['start'][0]}"
    return route


@pytest.fixture
def recorded():
    return Recorded()


@pytest.fixture
def connpass_server(recorded):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            recorded.requests.append(self.path)
            recorded.keys.append(self.headers.get("X-API-Key", ""))
            status, headers, body = recorded.answer(_route(self.path))
            if status == "slow":
                time.sleep(body)
                status, headers, body = 200, {}, b"{}"
            if status == "drop":  # close the connection without an answer
                self.close_connection = True
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v2"
    server.shutdown()
    server.server_close()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def connpass(connpass_server, sleeps):
    return ConnpassClient(
        base_url=connpass_server, api_key=KEY, interval=0, timeout=2, sleep=sleeps.append
    )


@pytest.fixture
def docker_tokyo(recorded):
    """Two events on two pages; the second has talks, a video and a blog post; nulls."""
    recorded.json("/groups/", page("groups", [GROUP]))
    first = event(101, 23)
    second = event(
        102,
        24,
        title="Docker Meetup Tokyo #24 (online)",
        started_at="2020-05-20T19:00:00+09:00",
        ended_at="2020-05-20T21:00:00+09:00",
        address=None,
        place=None,
        lat=None,
        lon=None,
        limit=None,
        open_status="cancelled",
    )
    recorded.json("/events/?start=1", page("events", [first], total=2))
    recorded.json("/events/?start=2", page("events", [second], start=2, total=2))
    recorded.json("/events/101/presentations/?start=1", page("presentations", []))
    recorded.json(
        "/events/102/presentations/?start=1",
        page(
            "presentations",
            [
                presentation("BuildKit 入門", "https://speakerdeck.com/a/buildkit", "slide"),
                presentation("BuildKit 入門", "https://www.youtube.com/watch?v=b", "movie"),
                presentation("LT: rootless", "https://speakerdeck.com/c/rootless", "slide", None),
                presentation("参加レポート", "https://blog.example.com/24", "blog", "writer"),
                presentation("bad", "javascript:alert(1)", "slide", "evil"),
            ],
        ),
    )
    return recorded
