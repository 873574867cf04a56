"""Uploaded images (community logos, event images, report covers), checked by their content.

An upload is accepted only if Pillow reads it as one of the allowed formats, within a size in
bytes and in pixels (decompression bombs are refused before decoding); it is then re-encoded,
at most `max_width` pixels wide. Re-encoding keeps nothing but pixels: no EXIF (camera, GPS),
no comment blocks, no trailing bytes, so a file that is also HTML or a script (a polyglot)
comes out as a plain image. The extension of the stored name follows the real format.
"""

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1600
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class ImageRejected(Exception):
    """Why an upload was refused: `code` is "too_large", "too_many_pixels" or "not_an_image"."""

    def __init__(self, code: str, size: int | None = None):
        super().__init__(code)
        self.code = code
        self.size = size


def prepare_image(
    upload,
    *,
    max_bytes: int | None = None,
    max_width: int | None = None,
    max_pixels: int | None = None,
    formats: dict[str, str] = FORMATS,
    default_name: str = "image",
) -> ContentFile:
    """The upload re-encoded as a clean image file; raises ImageRejected."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    max_width = MAX_WIDTH if max_width is None else max_width
    max_pixels = MAX_PIXELS if max_pixels is None else max_pixels
    if upload.size is not None and upload.size > max_bytes:
        raise ImageRejected("too_large", upload.size)
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in formats:
                raise ImageRejected("not_an_image")
            if probe.width * probe.height > max_pixels:
                raise ImageRejected("too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            fmt = image.format
            image = ImageOps.exif_transpose(image)
            if image.width > max_width:
                height = round(image.height * max_width / image.width)
                image = image.resize((max_width, height), Image.Resampling.LANCZOS)
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 85, "optimize": True} if fmt in ("JPEG", "WEBP") else {}
            image.save(out, format=fmt, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("not_an_image") from None
    stem = PurePath(getattr(upload, "name", "") or default_name).stem[:60] or default_name
    return ContentFile(out.getvalue(), name=f"{stem}.{formats[fmt]}")


def clean_image_field(value, *, max_width: int | None = None):
    """For a form's clean_<field>: a new upload re-encoded, or a ValidationError in place."""
    from django.core.files.uploadedfile import UploadedFile

    if not isinstance(value, UploadedFile):
        return value  # unchanged, cleared or empty
    try:
        return prepare_image(value, max_width=max_width, default_name="image")
    except ImageRejected as exc:
        raise ValidationError(rejection_message(exc)) from None


def rejection_message(exc: ImageRejected, *, max_bytes: int = MAX_BYTES) -> str:
    """Why an upload was refused, in a sentence for the person who uploaded it."""
    if exc.code == "too_large":
        return _("The image is too large (%(size)s MB); the limit is %(limit)s MB.") % {
            "size": f"{exc.size / 1024 / 1024:.1f}",
            "limit": max_bytes // 1024 // 1024,
        }
    if exc.code == "too_many_pixels":
        return _("The image has too many pixels.")
    return _("The image must be a JPEG, PNG or WebP file.")
