"""Signed check-in tokens for the QR code on a receipt.

The receipt code is public (it is in the lottery record), so the QR code carries a token
signed with the site's secret instead: only the site can make one, and it names one
registration. The door scanner opens `/checkin/<token>/` (URL name `events:checkin`).
"""

from django.core import signing

SALT = "events.checkin"


def make_token(registration) -> str:
    # The receipt is signed with the id so a token never matches a re-used id.
    return signing.dumps([registration.pk, registration.receipt], salt=SALT, compress=True)


def read_token(token: str, max_age=None) -> tuple[int, str]:
    """The registration id and receipt in a valid token; raises signing.BadSignature (or
    signing.SignatureExpired, a subclass) for anything forged, mangled or too old. The caller
    looks the registration up by both, so a token never opens another registration that
    later took the same id."""
    value = signing.loads(token, salt=SALT, max_age=max_age)
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise signing.BadSignature("malformed check-in token")
    return value[0], value[1]
