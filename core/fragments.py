"""Pages for signed-in people: the public part rendered once, the personal parts per person.

When a popular event opens, everyone who matters is signed in, and the anonymous page cache
(meetup/cache.py) cannot serve them. A page here is rendered once as a *skeleton*: the whole
page, with each ``{% personal %}`` block (the user menu, the status box, …; template tag
``fragments``) left as a marker, and kept for everyone. The personal blocks are rendered for
each person and kept for that person alone: under their user id, the hash of their CSRF secret
(the blocks hold forms) and their language. Blocks marked ``fresh`` (the flash messages) are
rendered on every request.

Both are kept under the *versions* of the scopes they show. A scope is a name such as
``event:23`` or ``user:7``; every workflow that changes what a scope shows calls
``changed(scope)``, and the next load renders anew. Nobody sees a page older than the last
change. What moves with the clock (a ticket window opening, an event starting) is kept no
later than the moment it moves (`render_page`'s ``expires``), and nothing longer than
KEEP_SECONDS.

One request at a time renders a page's new skeleton. While it does, the others get the
skeleton before it (with their own blocks, rendered fresh): when applications arrive every few
milliseconds, each would otherwise render the whole page for itself. So the public part may
lag by one render, never by a clock.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.template.context import make_context
from django.template.loader import get_template
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

SKELETON = "fragment_skeleton"  # context flag: render personal blocks as markers
KEEP_SECONDS = 60
#: The scope of what any page may show of people and communities (names, logos).
SITE = "site"
VERSION_PREFIX = "fragment-version:"
HOLE_RE = re.compile(r"<!--personal:([\w./#-]+)(:fresh)?-->")
NONCE = ("nonce",)


def hole_marker(name: str, fresh: bool = False) -> str:
    return f"<!--personal:{name}{':fresh' if fresh else ''}-->"


def user_scope(user_id) -> str:
    """What only this person sees of themselves (their e-mail addresses, their name)."""
    return f"user:{user_id}"


def _new_version() -> str:
    return secrets.token_hex(6)


def changed(*scopes: str) -> None:
    """The scopes show something new: new versions now, and again once the transaction
    commits, so that nothing rendered from the data before the commit is kept."""

    def bump():
        try:
            cache.set_many({VERSION_PREFIX + scope: _new_version() for scope in scopes}, None)
        except Exception:  # the cache is away: nothing is served from it either
            logger.warning("fragment versions not bumped", exc_info=True)

    bump()
    transaction.on_commit(bump)


def versions(scopes: Iterable[str]) -> list[str]:
    keys = [VERSION_PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    missing = {key: _new_version() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
    return [found.get(key) or missing[key] for key in keys]


def remember(name: str, scopes: Iterable[str], compute: Callable[[], object]):
    """`compute()`, kept until one of the scopes changes (or KEEP_SECONDS pass): for what is
    the same for everyone but costly to make, inside a personal block."""
    try:
        key = f"fragment:{name}:{translation.get_language()}:{'.'.join(versions(scopes))}"
        value = cache.get(key)
    except Exception:
        logger.warning("fragment cache unavailable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        cache.set(key, value, KEEP_SECONDS)
    return value


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _split(html: str, nonce: str) -> list:
    """Text pieces, NONCE and (name, fresh) markers: joined per request, which is much cheaper
    than searching a big page for markers each time."""
    pieces = []
    parts = HOLE_RE.split(html)
    for index in range(0, len(parts), 3):
        for n, text in enumerate(parts[index].split(nonce) if nonce else [parts[index]]):
            if n:
                pieces.append(NONCE)
            pieces.append(text)
        if index + 1 < len(parts):
            pieces.append((parts[index + 1], bool(parts[index + 2])))
    return pieces


def _render_skeleton(request, template_name: str, context: dict, nonce: str) -> list | None:
    """The page as pieces; None if it may not be shared (it rendered a CSRF token outside a
    personal block)."""
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    html = get_template(template_name).render({**context, SKELETON: True}, request)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        logger.error("%s renders a CSRF token outside {%% personal %%}: not cached", template_name)
        return None
    return _split(html, nonce)


def _render_blocks(request, names, context: dict, nonce: str) -> dict[str, list]:
    bound = make_context(context, request)
    return {name: _split(get_template(name).template.render(bound), nonce) for name in names}


def _join(pieces: list, blocks: dict, nonce: str) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif piece is NONCE or piece == NONCE:
            out.append(nonce)
        else:
            out.append(_join(blocks[piece[0]], blocks, nonce))
    return "".join(out)


def _seconds_to_keep(expires: dt.datetime | None) -> int:
    if expires is None:
        return KEEP_SECONDS
    return max(0, min(KEEP_SECONDS, int((expires - timezone.now()).total_seconds())))


def render_page(
    request,
    template_name: str,
    *,
    scopes: Iterable[str],
    public: Callable[[], tuple[dict, dict]],
    personal: Callable[[dict], dict],
    expires: Callable[[dict], dt.datetime | None] = lambda shared: None,
) -> HttpResponse:
    """Render `template_name` for the signed-in person of `request`.

    `public()` returns the page's context and the part of it the personal blocks also need
    (kept with the skeleton: it must pickle). `personal(shared)` returns the personal blocks'
    context. Each runs only when what it makes is not kept already. `expires(shared)` is the
    next moment the page changes by itself, with the clock.
    """
    scopes = [*scopes, user_scope(request.user.pk)]
    lazy_nonce = get_nonce(request)  # made now: the CSP header and the page share it
    nonce = "" if lazy_nonce is None else str(lazy_nonce)
    language = translation.get_language() or ""
    csrf_secret = request.META.get("CSRF_COOKIE") or ""
    try:
        page_versions = versions(scopes)
        # The whole query string: a skeleton must not carry one person's parameters to another.
        base = (request.get_host(), request.get_full_path(), language, template_name)
        skeleton_key = "signed-in-page:" + _digest(*base, *page_versions[:-1])
        latest_key = "signed-in-page-latest:" + _digest(*base)
        blocks_key = "personal-blocks:" + _digest(
            *base, *page_versions, str(request.user.pk), csrf_secret
        )
        found = cache.get_many([skeleton_key, blocks_key])
    except Exception:  # the cache is away: a fresh page, as without it
        logger.warning("page cache unavailable", exc_info=True)
        skeleton_key = blocks_key = latest_key = None
        found = {}
    entry = found.get(skeleton_key)
    rendering = False
    if entry is None and latest_key is not None:
        rendering = _start_rendering(latest_key)
        if not rendering:
            # Another request is rendering this page's new skeleton right now (applications
            # arriving every few milliseconds change it): the one before, a render behind.
            entry = _get(latest_key)
    if entry is None:
        try:
            context, shared = public()
            pieces = _render_skeleton(request, template_name, context, nonce)
        except BaseException:
            _forget(latest_key)  # the page is gone (404) or failed: nobody gets the old one
            raise
        finally:
            if rendering:
                _done_rendering(latest_key)
        if pieces is None:
            html = get_template(template_name).render({**context, **personal(shared)}, request)
            return HttpResponse(html)
        entry = {"pieces": pieces, "shared": shared}
        seconds = _seconds_to_keep(expires(shared))
        _keep(skeleton_key, entry, seconds)
        _keep(latest_key, entry, seconds)
    names = {piece for piece in entry["pieces"] if isinstance(piece, tuple) and piece != NONCE}
    wanted = [name for name, fresh in names if not fresh]
    kept = found.get(blocks_key)
    # Blocks kept for an earlier skeleton of the same versions may lack one (it was kept
    # longer than that skeleton): render them all again.
    if kept is None or not kept.keys() >= set(wanted):
        kept = _render_blocks(request, wanted, personal(entry["shared"]), nonce)
        # Blocks hold forms, so a CSRF token: keep them only under the secret they were made for.
        if csrf_secret:
            _keep(blocks_key, kept, _seconds_to_keep(expires(entry["shared"])))
    fresh = _render_blocks(request, [name for name, fresh in names if fresh], {}, nonce)
    blocks = {**kept, **fresh}
    return HttpResponse(_join(entry["pieces"], blocks, nonce))


#: At most this long a request that died while rendering keeps others on the skeleton before.
RENDERING_SECONDS = 10


def _start_rendering(latest_key: str) -> bool:
    """Whether this request renders the page's new skeleton (no other one is at it)."""
    try:
        return cache.add(latest_key + ":rendering", 1, RENDERING_SECONDS)
    except Exception:
        return True


def _done_rendering(latest_key: str | None) -> None:
    _forget(None if latest_key is None else latest_key + ":rendering")


def _get(key):
    try:
        return cache.get(key)
    except Exception:
        return None


def _forget(key) -> None:
    if key is None:
        return
    try:
        cache.delete(key)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)


def _keep(key, value, seconds: int) -> None:
    if key is None or seconds <= 0:
        return
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
