"""Keep secret-token URLs out of the logs.

A private calendar address, a check-in QR code, an unsubscribe link, a password-reset key and
an e-mail confirmation key are secrets carried in the URL path. Access logs and Django's request
warnings ("Not Found: /calendar/<token>.ics") would copy them to wherever logs go. Both pass
through ``redact``: gunicorn's access log through ``GunicornLogger`` (set in gunicorn.conf.py),
Django's log records through ``RedactTokensFilter`` (set in LOGGING).
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

TOKEN_PATHS = re.compile(
    r"(?P<prefix>/calendar/|/checkin/|/unsubscribe/|/accounts/confirm-email/"
    r"|/accounts/password/reset/key/)"
    r"(?P<token>[^/?#\s\"]+)"
)


def redact(text: str) -> str:
    if not isinstance(text, str):
        return text
    return TOKEN_PATHS.sub(lambda match: match["prefix"] + REDACTED, text)


class RedactTokensFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, with token paths redacted in the request line, path and referrer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms
