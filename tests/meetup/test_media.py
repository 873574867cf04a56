"""Uploads: served by the app with safe types and long caching, or stored in S3 (moto)."""

import ast
import io
import urllib.request

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.meetup.test_settings import run_manage


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "reports").mkdir()
    return tmp_path


def test_media_image_is_served_as_an_image_with_long_cache(client, media):
    (media / "reports" / "cover.png").write_bytes(_png())
    response = client.get("/media/reports/cover.png")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, _png())
    assert (
        response["Content-Type"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        response["Content-Security-Policy"],
        response["Content-Disposition"],
    ) == (
        "image/png",
        "nosniff",
        "public, max-age=31536000",
        "default-src 'none'; sandbox",
        'inline; filename="cover.png"',
    )


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "cover.png.html"])
def test_media_other_file_is_a_download_never_a_page(client, media, name):
    (media / "reports" / name).write_text("<script>alert(1)</script>")
    response = client.get(f"/media/reports/{name}")
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        "application/octet-stream",
        f'attachment; filename="{name}"',
    )


@pytest.mark.parametrize("path", ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/x/"])
def test_media_outside_the_folder_or_missing_is_404(client, media, path):
    assert client.get(path).status_code == 404


def test_media_post_is_refused(client, media):
    (media / "reports" / "cover.png").write_bytes(_png())
    assert client.post("/media/reports/cover.png").status_code == 405


S3_ENV = {
    "MEETUP_S3_BUCKET": "meetup-media",
    "MEETUP_S3_REGION": "us-east-1",
    "MEETUP_S3_ACCESS_KEY_ID": "testing",
    "MEETUP_S3_SECRET_ACCESS_KEY": "testing",
}


def _storages(**env) -> dict:
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(repr(settings.STORAGES['default']))",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_s3_storage_from_settings_stores_and_links_uploads(moto_server):
    import boto3
    from storages.backends.s3 import S3Storage

    config = _storages(**S3_ENV, MEETUP_S3_ENDPOINT_URL=moto_server)
    boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="meetup-media")
    storage = S3Storage(**config["OPTIONS"])

    first = storage.save("reports/cover.png", ContentFile(_png()))
    second = storage.save("reports/cover.png", ContentFile(_png()))
    with urllib.request.urlopen(storage.url(first), timeout=10) as answer:
        served = (answer.status, answer.read(), answer.headers["Cache-Control"])

    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (first, second != first) == ("reports/cover.png", True)
    assert served == (200, _png(), "public, max-age=31536000, immutable")
    assert storage.url(first).startswith(f"{moto_server}/meetup-media/reports/cover.png?")


def test_s3_with_cdn_links_uploads_to_the_cdn_unsigned():
    config = _storages(**S3_ENV, MEETUP_MEDIA_URL="https://media.example.org")
    options = config["OPTIONS"]
    assert (options["custom_domain"], options["url_protocol"], options["querystring_auth"]) == (
        "media.example.org",
        "https:",
        False,
    )


def test_storage_without_bucket_is_the_local_folder():
    assert _storages() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
