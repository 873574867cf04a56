"""Pages for signed-in people: the public part rendered once, the personal parts per person.

When a popular event opens, everyone who matters is signed in, and the anonymous page cache
(meetup/cache.py) cannot serve them. A page here is rendered once as a *skeleton*: the whole
page, with each ``{% personal %}`` block (the user menu, the status box, …; template tag
``fragments``) left as a marker, and kept for everyone. The personal blocks are rendered for
each person and kept for that person alone: under their user id, the hash of their CSRF secret
(the blocks hold forms) and their language. Blocks marked ``fresh`` (the flash messages) are
rendered on every request. Blocks marked ``shared`` are the same for everyone but move much
faster than the page (an event's participants): they are kept for everyone under the page's
*moving* scopes as well, so the rest of the page stays kept when only they change.

Both are kept under the *versions* of the scopes they show. A scope is a name such as
``event:23`` or ``user:7``; every workflow that changes what a scope shows calls
``changed(scope)``, and the next load renders anew. Nobody sees a page older than the last
change. What moves with the clock (a ticket window opening, an event starting) is kept no
later than the moment it moves (`render_page`'s ``expires``), and nothing longer than
KEEP_SECONDS.

One request at a time renders a page's new skeleton (or shared blocks). While it does, the
others get the one before it, with their own blocks rendered fresh and not kept: when
applications arrive every few milliseconds, each would otherwise render the page for itself.
So the public part may lag by one render, never by a clock.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
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
KINDS = ("personal", "fresh", "shared")
HOLE_RE = re.compile(r"<!--personal:([\w./#-]+):(personal|fresh|shared)-->")
NONCE = ("nonce",)


def hole_marker(name: str, kind: str = "personal") -> str:
    return f"<!--personal:{name}:{kind}-->"


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
        _keep(key, value, KEEP_SECONDS)
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
            pieces.append((parts[index + 1], parts[index + 2]))
    return pieces


def _renders_csrf_token(request, render):
    """`render()`'s result, and whether it used the request's CSRF token (which must never be
    in what is kept for everyone)."""
    before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    result = render()
    used = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = before or used
    return result, used


def _render(request, template_name: str, context: dict) -> str | None:
    """`template_name` for everyone; None if it may not be shared: it rendered a CSRF token,
    which belongs inside a personal block."""
    html, used = _renders_csrf_token(
        request, lambda: get_template(template_name).render(context, request)
    )
    if used:
        logger.error("%s renders a CSRF token outside {%% personal %%}: not kept", template_name)
        return None
    return html


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


def _kept(found, key, latest_key, make, seconds_of):
    """(value, how): what `key` holds ("kept"), else `make()`'s, kept under `key` and as the
    latest ("made"). One request at a time makes it; meanwhile the others get the latest, one
    render behind ("latest"). `make` returns None for what must not be kept ("refused")."""
    if found is not None:
        return found, "kept"
    rendering = False
    if latest_key is not None:
        rendering = _start_rendering(latest_key)
        if not rendering and (latest := _get(latest_key)) is not None:
            return latest, "latest"
    try:
        value = make()
    except BaseException:
        _forget(latest_key)  # the page is gone (404) or failed: nobody gets the old one
        raise
    finally:
        if rendering:
            _done_rendering(latest_key)
    if value is None:
        return None, "refused"
    seconds = seconds_of(value)
    _keep(key, value, seconds)
    _keep(latest_key, value, seconds)
    return value, "made"


def render_page(
    request,
    template_name: str,
    *,
    scopes: Iterable[str],
    public: Callable[[], tuple[dict, dict]],
    personal: Callable[[dict], dict],
    moving_scopes: Iterable[str] = (),
    moving: Callable[[dict], tuple[dict, dict]] = lambda shared: ({}, {}),
    expires: Callable[[dict], dt.datetime | None] = lambda shared: None,
) -> HttpResponse:
    """Render `template_name` for the signed-in person of `request`.

    `public()` returns the page's context and the part of it the other blocks also need
    (`shared`, kept with the skeleton: it must pickle). `moving_scopes` name what changes much
    more often than the rest (an event's registrations): the page's `{% personal name shared %}`
    blocks, the same for everyone, are kept under them too, so the rest stays kept when they
    change; `moving(shared)` returns those blocks' context and more shared data.
    `personal(shared)` returns the personal blocks' context. Each runs only when what it makes
    is not kept already. `expires(shared)` is the next moment the page changes by itself.
    """
    scopes, moving_scopes = list(scopes), list(moving_scopes)
    lazy_nonce = get_nonce(request)  # made now: the CSP header and the page share it
    nonce = "" if lazy_nonce is None else str(lazy_nonce)
    csrf_secret = request.META.get("CSRF_COOKIE") or ""
    try:
        found_versions = versions([*scopes, *moving_scopes, user_scope(request.user.pk)])
        # The whole query string: a skeleton must not carry one person's parameters to another.
        base = (
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            template_name,
        )
        still = found_versions[: len(scopes)]
        moved = found_versions[: len(scopes) + len(moving_scopes)]
        keys = {
            "skeleton": "signed-in-page:" + _digest(*base, *still),
            "skeleton-latest": "signed-in-page-latest:" + _digest(*base),
            "shared": "shared-blocks:" + _digest(*base, *moved),
            "shared-latest": "shared-blocks-latest:" + _digest(*base),
            "personal": "personal-blocks:"
            + _digest(*base, *found_versions, str(request.user.pk), csrf_secret),
        }
        found = cache.get_many([keys["skeleton"], keys["shared"], keys["personal"]])
    except Exception:  # the cache is away: a fresh page, as without it
        logger.warning("page cache unavailable", exc_info=True)
        keys, found = (
            dict.fromkeys(("skeleton", "skeleton-latest", "shared", "shared-latest", "personal")),
            {},
        )
    made = {}

    def make_skeleton():
        made["context"], made["shared"] = context, shared = public()
        html = _render(request, template_name, {**context, SKELETON: True})
        return None if html is None else {"pieces": _split(html, nonce), "shared": shared}

    entry, how = _kept(
        found.get(keys["skeleton"]),
        keys["skeleton"],
        keys["skeleton-latest"],
        make_skeleton,
        lambda entry: _seconds_to_keep(expires(entry["shared"])),
    )
    behind = how == "latest"
    if how == "refused":  # it must not be shared: this request's page, whole
        context, shared = made["context"], made["shared"]
        moved_context, moved_shared = moving(shared)
        everything = {**context, **moved_context, **personal({**shared, **moved_shared})}
        return HttpResponse(get_template(template_name).render(everything, request))
    markers = [piece for piece in entry["pieces"] if isinstance(piece, tuple) and piece != NONCE]
    names = {kind: [name for name, marked in markers if marked == kind] for kind in KINDS}

    def make_shared():
        context, shared = moving(entry["shared"])
        blocks, used = _renders_csrf_token(
            request, lambda: _render_blocks(request, names["shared"], context, nonce)
        )
        return None if used else {"blocks": blocks, "shared": shared}

    moved_entry = {"blocks": {}, "shared": {}}
    if names["shared"] or moving_scopes:
        moved_entry, how = _kept(
            found.get(keys["shared"]),
            keys["shared"],
            keys["shared-latest"],
            make_shared,
            lambda moved: _seconds_to_keep(expires({**entry["shared"], **moved["shared"]})),
        )
        if how == "refused":
            raise ImproperlyConfigured(f"{template_name}: shared blocks must hold no CSRF token")
        behind = behind or how == "latest"
    shared = {**entry["shared"], **moved_entry["shared"]}
    blocks = found.get(keys["personal"])
    # Blocks kept for an earlier skeleton of the same versions may lack one (it was kept
    # longer than that skeleton): render them all again.
    if blocks is None or not blocks.keys() >= set(names["personal"]):
        blocks = _render_blocks(request, names["personal"], personal(shared), nonce)
        # Blocks hold forms, so a CSRF token: keep them only under the secret they were made
        # for; and not when made from what was one render behind (kept under the new versions,
        # they would stay behind).
        if csrf_secret and not behind:
            _keep(keys["personal"], blocks, _seconds_to_keep(expires(shared)))
    fresh = _render_blocks(request, names["fresh"], {}, nonce)
    return HttpResponse(_join(entry["pieces"], {**moved_entry["blocks"], **blocks, **fresh}, nonce))


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
