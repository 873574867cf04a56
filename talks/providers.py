"""Recognise where a slides or video link points, from the URL alone.

Nothing here fetches anything: a provider is recognised by its host and path, and an embed URL
is built only where the URL alone is enough (YouTube, Vimeo, Google Slides). Every embed URL
starts with one of `settings.EMBED_FRAME_HOSTS`, the hosts the CSP `frame-src` allows.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

SAFE_SCHEMES = ("http", "https")

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/"
VIMEO_EMBED = "https://player.vimeo.com/video/"
GOOGLE_DOCS = "https://docs.google.com"

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_PATH = re.compile(r"^/(?:embed|shorts|live|v)/([A-Za-z0-9_-]{11})(?:/|$)")
_VIMEO_PATH = re.compile(r"^/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d{1,12})(?:/|$)")
_SLIDES_PATH = re.compile(r"^/presentation/d/(e/)?([A-Za-z0-9_-]{10,200})(?:/|$)")
_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


@dataclass(frozen=True)
class Link:
    """What a URL points at: a provider key and label, and an embed URL when one can be built."""

    url: str
    provider: (
        str  # "youtube", "vimeo", "google_slides", "speakerdeck", "slideshare", "docswell", "web"
    )
    label: str
    embed_url: str = ""

    @property
    def is_video(self) -> bool:
        return self.provider in {"youtube", "vimeo"}


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)


def _host(parts) -> str:
    host = (parts.hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.")


def _is(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _seconds(value: str) -> int:
    match = _TIME.match(value or "")
    if not match or not any(match.groups()):
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _youtube_embed(host: str, parts) -> str:
    query = parse_qs(parts.query)
    video_id = ""
    if host == "youtu.be":
        video_id = parts.path.strip("/").split("/")[0]
    elif parts.path == "/watch":
        video_id = (query.get("v") or [""])[0]
    else:
        match = _YOUTUBE_PATH.match(parts.path)
        video_id = match.group(1) if match else ""
    if not _YOUTUBE_ID.match(video_id):
        return ""
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    return f"{YOUTUBE_EMBED}{video_id}" + (f"?start={start}" if start else "")


def _vimeo_embed(parts) -> str:
    match = _VIMEO_PATH.match(parts.path)
    return f"{VIMEO_EMBED}{match.group(1)}" if match else ""


def _google_slides_embed(parts) -> str:
    match = _SLIDES_PATH.match(parts.path)
    if not match:
        return ""
    published, doc_id = match.groups()
    return f"{GOOGLE_DOCS}/presentation/d/{'e/' if published else ''}{doc_id}/embed"


def recognise(url: str) -> Link:
    """The provider of `url`. Unknown hosts get their host name as label and no embed."""
    url = (url or "").strip()
    if not is_http_url(url):
        return Link(url="", provider="web", label="")  # never a javascript:/data: href
    parts = urlsplit(url)
    host = _host(parts)
    if host in {"youtube.com", "youtu.be", "youtube-nocookie.com"}:
        return Link(url, "youtube", "YouTube", _youtube_embed(host, parts))
    if _is(host, "vimeo.com"):
        return Link(url, "vimeo", "Vimeo", _vimeo_embed(parts))
    if host == "docs.google.com" and parts.path.startswith("/presentation/"):
        return Link(url, "google_slides", "Google Slides", _google_slides_embed(parts))
    if _is(host, "speakerdeck.com"):
        return Link(url, "speakerdeck", "Speaker Deck")
    if _is(host, "slideshare.net"):
        return Link(url, "slideshare", "SlideShare")
    if _is(host, "docswell.com"):
        return Link(url, "docswell", "Docswell")
    return Link(url, "web", host)
