"""A small, patient client for connpass API v2 (or any server that speaks it, Meetup included).

One request per `interval` seconds (connpass asks for 1 per second), a 429 waited out for as long
as its Retry-After says, a 5xx or a timeout retried a few times with a growing pause, and every
other failure turned into `ImportFailure` with a message a person can act on.
"""

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

DEFAULT_BASE_URL = "https://connpass.com/api/v2"
USER_AGENT = "Meetup-import/1.0"


class ImportFailure(Exception):
    """The import cannot go on; the message says why and what to do."""


@dataclass
class ConnpassClient:
    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    interval: float = 1.0  # seconds between requests
    timeout: float = 20.0
    retries: int = 3  # for 5xx and timeouts
    max_wait: float = 300.0  # the longest Retry-After waited out
    sleep: object = time.sleep
    clock: object = time.monotonic
    requests_made: int = field(default=0, init=False)
    _last: float | None = field(default=None, init=False)

    def __post_init__(self):
        self.base_url = self.base_url.rstrip("/")

    def get(self, path: str, params: dict | None = None) -> dict:
        url = f"{self.base_url}/{path.lstrip('/')}"
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        failures = 0
        while True:
            self._pace()
            try:
                status, headers, body = self._fetch(url)
            except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                failures += 1
                if failures > self.retries:
                    reason = (
                        f"did not answer within {self.timeout:g} s"
                        if isinstance(exc, TimeoutError)
                        else f"broke the connection ({type(exc).__name__})"
                    )
                    raise ImportFailure(
                        f"{url} {reason}, {failures} times. Try again later; what was "
                        "imported is kept."
                    ) from None
                self.sleep(self.interval * 2**failures)
                continue
            except OSError as exc:
                raise ImportFailure(f"Cannot reach {url}: {exc}.") from None
            if status == 429:
                wait = _retry_after(headers.get("Retry-After"), default=60.0)
                if wait > self.max_wait:
                    raise ImportFailure(
                        f"Rate limited by {self.base_url} for {wait:g} s (longer than "
                        f"{self.max_wait:g} s). Run the import again later to resume."
                    )
                self.sleep(wait)
                continue
            if status >= 500:
                failures += 1
                if failures > self.retries:
                    raise ImportFailure(
                        f"{url} failed with HTTP {status}, {failures} times. Try again later; "
                        "what was imported is kept."
                    )
                self.sleep(self.interval * 2**failures)
                continue
            if status in (401, 403):
                raise ImportFailure(
                    f"{self.base_url} refused the API key (HTTP {status}). Check --api-key or "
                    "CONNPASS_API_KEY."
                )
            if status != 200:
                raise ImportFailure(f"{url} answered HTTP {status}: {_detail(body)}")
            try:
                data = json.loads(body)
            except ValueError:
                raise ImportFailure(f"{url} did not answer JSON (malformed response).") from None
            if not isinstance(data, dict):
                raise ImportFailure(f"{url} answered JSON that is not an object.")
            return data

    def _pace(self):
        now = self.clock()
        if self._last is not None:
            wait = self._last + self.interval - now
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()
        self.requests_made += 1

    def _fetch(self, url: str):
        request = urllib.request.Request(
            url,
            headers={
                "X-API-Key": self.api_key,
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | ConnectionResetError):
                raise exc.reason from None
            raise OSError(str(exc.reason)) from None


def _retry_after(value: str | None, default: float) -> float:
    """Seconds, or an HTTP date, as RFC 9110 allows."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, moment.timestamp() - time.time())


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "no details"
    if isinstance(data, dict):
        return str(data.get("detail") or data.get("error") or data)[:200]
    return "no details"
