"""Uploaded images keep nothing but pixels: no EXIF (camera, GPS), no text chunks, no scripts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from core.images import ImageRejected, prepare_image

GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (35.0, 40.0, 12.0), 3: "E", 4: (139.0, 45.0, 30.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_prepare_image_strips_exif_and_gps():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD) != {}  # the control

    cleaned = prepare_image(SimpleUploadedFile("photo.jpg", original, "image/jpeg"))

    with Image.open(cleaned) as image:
        assert (image.format, dict(image.getexif()), image.info.get("exif")) == ("JPEG", {}, None)
    assert b"PhoneMaker" not in cleaned.read()


def test_prepare_image_drops_png_text_chunks_and_trailing_script():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG", pnginfo=info)
    upload = SimpleUploadedFile("logo.png", out.getvalue() + b"<script>alert(2)</script>")

    cleaned = prepare_image(upload).read()

    assert (b"<script>" in out.getvalue(), b"<script>" in cleaned) == (True, False)


def test_prepare_image_refuses_svg():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ImageRejected) as refused:
        prepare_image(SimpleUploadedFile("logo.svg", svg, "image/svg+xml"))
    assert refused.value.code == "not_an_image"


def test_prepare_image_refuses_more_than_the_byte_limit():
    upload = SimpleUploadedFile("big.jpg", _jpeg_with_gps())
    with pytest.raises(ImageRejected) as refused:
        prepare_image(upload, max_bytes=100)
    assert (refused.value.code, refused.value.size) == ("too_large", upload.size)
