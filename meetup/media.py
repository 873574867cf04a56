"""Uploads served by the web app itself (local storage, no CDN in front).

Uploaded images are re-encoded on the way in (core images), and are served here as what they
are: an image only with its image type; any other file as a download (application/octet-stream,
Content-Disposition: attachment), so nothing in /media/ is ever rendered as a page. Every
answer carries nosniff and a sandboxing CSP, and a long cache lifetime: a stored name is never
reused for other content (the storage adds a suffix when a name is taken).
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

CACHE_SECONDS = 60 * 60 * 24 * 365
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


@require_safe
def serve_media(request, path: str):
    if not path or PurePosixPath(path).name.startswith("."):
        raise Http404
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a path outside MEDIA_ROOT
        raise Http404 from None
    suffix = PurePosixPath(path).suffix.lower()
    name = PurePosixPath(path).name.replace('"', "")
    if suffix in IMAGE_TYPES:
        response["Content-Type"] = IMAGE_TYPES[suffix]
        response["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers.pop("Content-Encoding", None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response
