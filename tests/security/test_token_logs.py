"""Finding 11: secret-token URLs (private calendar, check-in QR, unsubscribe, allauth keys) stay
out of the logs: gunicorn's access log (checked on a running pod) and Django's log records."""

import logging
import time

import pytest

from meetup.logredact import RedactTokensFilter, redact

from .conftest import get

SECRET = "s3cr3t-Token_0123456789abcdefghijklmnop"


def wait_for(log, text, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = log.read_text()
        if text in content:
            return content
        time.sleep(0.05)
    return log.read_text()


def test_access_log_of_a_running_pod_keeps_no_token(pod):
    for path in (f"/calendar/{SECRET}.ics", f"/checkin/{SECRET}/", f"/unsubscribe/{SECRET}/"):
        get(pod.port, path, "meetup.example.org")
    get(pod.port, "/events/?marker=end-of-token-requests", "meetup.example.org")
    content = wait_for(pod.log, "end-of-token-requests")
    assert "end-of-token-requests" in content
    assert SECRET not in content
    assert content.count("[redacted]") >= 3


@pytest.mark.parametrize(
    "path, expected",
    [
        (f"/calendar/{SECRET}.ics", "/calendar/[redacted]"),
        (f"/checkin/{SECRET}/", "/checkin/[redacted]/"),
        (f"/unsubscribe/{SECRET}/?x=1", "/unsubscribe/[redacted]/?x=1"),
        (f"/accounts/confirm-email/{SECRET}/", "/accounts/confirm-email/[redacted]/"),
        (f"/accounts/password/reset/key/1a-{SECRET}/", "/accounts/password/reset/key/[redacted]/"),
        ("/events/12/", "/events/12/"),
    ],
)
def test_redact_hides_the_token_and_keeps_the_rest(path, expected):
    assert redact(f"GET {path} HTTP/1.1") == f"GET {expected} HTTP/1.1"


def test_django_log_records_are_redacted():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/checkin/{SECRET}/",),
        None,
    )
    assert RedactTokensFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /checkin/[redacted]/"
