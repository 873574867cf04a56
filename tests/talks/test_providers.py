from urllib.parse import urlsplit

import pytest
from django.conf import settings

from talks.providers import is_http_url, recognise


@pytest.mark.parametrize(
    ("url", "provider", "label"),
    [
        ("https://speakerdeck.com/makocchi/docker-meetup-tokyo-23", "speakerdeck", "Speaker Deck"),
        ("https://www.slideshare.net/AkihiroSuda/kubecon-eu", "slideshare", "SlideShare"),
        ("https://jp.slideshare.net/AkihiroSuda/kubecon-eu", "slideshare", "SlideShare"),
        ("https://www.docswell.com/s/someone/ABCDEF-talk", "docswell", "Docswell"),
        (
            "https://docs.google.com/presentation/d/1AbCdEfGhIjKlMnOp/edit",
            "google_slides",
            "Google Slides",
        ),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "YouTube"),
        ("https://vimeo.com/123456789", "vimeo", "Vimeo"),
        ("https://blog.example.com/posts/1", "web", "blog.example.com"),
        ("https://www.example.org/", "web", "example.org"),
    ],
)
def test_recognise_provider_from_url_alone(url, provider, label):
    link = recognise(url)

    assert (link.provider, link.label) == (provider, label)


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://youtu.be/dQw4w9WgXcQ?t=90",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90",
        ),
        (
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/123456789", "https://player.vimeo.com/video/123456789"),
        (
            "https://vimeo.com/channels/staffpicks/123456789",
            "https://player.vimeo.com/video/123456789",
        ),
        ("https://player.vimeo.com/video/123456789", "https://player.vimeo.com/video/123456789"),
        (
            "https://docs.google.com/presentation/d/1AbCdEfGhIjKlMnOpQr/edit#slide=id.p",
            "https://docs.google.com/presentation/d/1AbCdEfGhIjKlMnOpQr/embed",
        ),
        (
            "https://docs.google.com/presentation/d/e/2PACX-1vTabcdefghij/pub",
            "https://docs.google.com/presentation/d/e/2PACX-1vTabcdefghij/embed",
        ),
    ],
)
def test_recognise_builds_embed_url(url, embed):
    assert recognise(url).embed_url == embed


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/123456789",
        "https://docs.google.com/presentation/d/1AbCdEfGhIjKlMnOpQr/edit",
    ],
)
def test_recognise_embed_hosts_are_exactly_the_csp_frame_hosts(url):
    parts = urlsplit(recognise(url).embed_url)

    assert f"{parts.scheme}://{parts.netloc}" in settings.EMBED_FRAME_HOSTS
    assert settings.SECURE_CSP["frame-src"] == settings.EMBED_FRAME_HOSTS


@pytest.mark.parametrize(
    "url",
    [
        "https://speakerdeck.com/someone/talk",
        "https://www.slideshare.net/someone/talk",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UCabc",
        "https://vimeo.com/someone",
        "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQr/edit",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    ],
)
def test_recognise_without_embed_when_url_alone_is_not_enough(url):
    assert recognise(url).embed_url == ""


def test_recognise_lookalike_host_is_not_the_provider():
    assert recognise("https://evilspeakerdeck.com/x").provider == "web"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/slides.pdf",
        "//example.com/slides",
        "https://",
        "",
    ],
)
def test_is_http_url_refuses_other_schemes(url):
    assert is_http_url(url) is False
    assert recognise(url).embed_url == ""


def test_recognise_does_no_network_io(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("no network access allowed")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    assert recognise("https://www.youtube.com/watch?v=dQw4w9WgXcQ").provider == "youtube"
