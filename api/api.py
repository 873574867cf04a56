# ruff: noqa: B008 -- Query()/Path() defaults are how django-ninja declares parameters.
"""The public read-only API, compatible with connpass API v2, served at /api/v2/.

Every response, errors included, is JSON. Keys go in the X-API-Key header (``MEETUP_API_OPEN``
serves without keys); each key (or address, when open) is rate limited.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader

from accounts.models import nickname_validator
from core import ratelimit
from core.clientip import client_ip

from . import keys
from .params import (
    DEFAULT_COUNT,
    MAX_ID,
    Count,
    Days,
    Ids,
    Months,
    Order,
    ParameterError,
    Prefectures,
    Start,
    Texts,
    page_bounds,
)
from .people import (
    attended_events_of,
    group_data,
    groups_of,
    presented_events_of,
    public_groups,
    public_users,
    user_data,
)
from .queries import (
    Urls,
    event_data,
    event_presentations,
    named,
    public_events,
    search_events,
)
from .schemas import ErrorOut, EventsOut, GroupsOut, PresentationsOut, UsersOut

logger = logging.getLogger(__name__)

START_DOC = "First result, from 1."
COUNT_DOC = "Results per page, 1 to 100 (more is taken as 100)."
NICKNAME_DOC = "The user's nickname."
ERRORS = {400: ErrorOut, 401: ErrorOut, 429: ErrorOut}
ERRORS_404 = {**ERRORS, 404: ErrorOut}


class ApiKeyAuth(APIKeyHeader):
    """X-API-Key as connpass takes it; then the rate limit of that key."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        api_key = keys.authenticate(key)
        if api_key is None and not settings.MEETUP_API_OPEN:
            return None
        # Without a key, per client address (through MEETUP_TRUSTED_PROXIES).
        bucket = f"key:{api_key.pk}" if api_key is not None else "ip:" + client_ip(request)
        _count_request(bucket)
        return api_key or "anonymous"


def _count_request(bucket: str) -> None:
    """MEETUP_API_RATE requests a second on average, in windows of MEETUP_API_BURST requests."""
    rate = float(settings.MEETUP_API_RATE)
    burst = max(1, int(settings.MEETUP_API_BURST))
    if rate > 0:
        ratelimit.check(f"api:{bucket}", burst, burst / rate)


api = NinjaAPI(
    title="Meetup API",
    version="2.0.0",
    description=(
        "Read-only public data, compatible with connpass API v2: the same paths, parameters "
        "and response shapes, so connpass clients work by changing their base URL. "
        "Send your key in the X-API-Key header."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api_v2",
    docs_url=None,
    openapi_url="/openapi.json",
)


def error(request, status: int, detail: str, parameter: str = "", headers=None):
    response = api.create_response(
        request, {"detail": detail, "parameter": parameter}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ParameterError)
def _parameter_error(request, exc):
    return error(request, 400, exc.message, exc.parameter)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    first = exc.errors[0] if exc.errors else {}
    loc = [part for part in first.get("loc", ()) if isinstance(part, str)]
    parameter = loc[1] if len(loc) > 1 else (loc[0] if loc else "")
    message = first.get("msg", "Invalid value")
    return error(request, 400, f"Invalid value for parameter '{parameter}': {message}.", parameter)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return error(request, 401, "A valid API key is required in the X-API-Key header.")


@api.exception_handler(ratelimit.RateLimited)
def _rate_limited(request, exc):
    return error(
        request,
        429,
        "Too many requests: slow down and retry after the time in the Retry-After header.",
        headers={"Retry-After": exc.retry_after_header},
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(request, exc.status_code, str(exc))


@api.exception_handler(DatabaseError)
def _database_error(request, exc):
    logger.exception("API database error")
    return error(request, 503, "Busy: please retry shortly.", headers={"Retry-After": "5"})


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("API error")
    return error(request, 500, "Internal error.")


def get(path: str, **kwargs):
    """A GET operation served with and without the trailing slash (clients differ)."""

    def register(func):
        api.get(path, **kwargs)(func)
        hidden = {**kwargs, "operation_id": f"{kwargs['operation_id']}_no_slash"}
        api.get(path.rstrip("/"), include_in_schema=False, **hidden)(func)
        return func

    return register


def paginate(request, queryset, start: int, count: int, serialize, key: str) -> dict:
    offset, limit = page_bounds(start, count)
    urls = Urls(request)
    if isinstance(queryset, list):
        total = len(queryset)
        rows = queryset[offset : offset + limit]
    else:
        total = queryset.count()
        # The page's ids first (an index scan: no per-row subqueries), then only those rows.
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        by_id = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
        rows = [by_id[pk] for pk in ids if pk in by_id]
    return {
        "results_returned": len(rows),
        "results_available": total,
        "results_start": start,
        key: [serialize(row, urls) for row in rows],
    }


def user_or_404(nickname: str):
    try:
        nickname_validator(nickname)
    except Exception as exc:
        raise Http404 from exc
    return get_object_or_404(public_users(), nickname__iexact=nickname)


@get(
    "/events/",
    response={200: EventsOut, **ERRORS},
    operation_id="events",
    summary="Search events",
    description=(
        "Published and cancelled events. Every list parameter takes repeated keys and "
        "comma-separated values; keyword matches all words, keyword_or any of them."
    ),
)
def events(
    request,
    event_id: Ids = Query(None, description="Event ids."),
    keyword: Texts = Query(None, description="Words that must all appear (AND)."),
    keyword_or: Texts = Query(None, description="Words of which one must appear (OR)."),
    ym: Months = Query(None, description="Months, yyyymm (202604)."),
    ymd: Days = Query(None, description="Days, yyyymmdd (20260412)."),
    nickname: Texts = Query(None, description="Nicknames of participants."),
    owner_nickname: Texts = Query(None, description="Nicknames of organisers."),
    group_id: Ids = Query(None, description="Community (group) ids."),
    subdomain: Texts = Query(None, description="Community slugs."),
    prefecture: Prefectures = Query(
        None, description="online, or a prefecture in romaji (tokyo), matched in the address."
    ),
    order: Order = Query(
        1, description="1 updated (default), 2 start date, 3 newest; anything else is a 400."
    ),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    queryset = search_events(
        event_id=event_id,
        keyword=keyword,
        keyword_or=keyword_or,
        ym=ym,
        ymd=ymd,
        nickname=nickname,
        owner_nickname=owner_nickname,
        group_id=group_id,
        subdomain=subdomain,
        prefecture=prefecture,
        order=order,
    )
    return paginate(request, queryset, start, count, event_data, "events")


@get(
    "/events/{event_id}/presentations/",
    response={200: PresentationsOut, **ERRORS_404},
    operation_id="event_presentations",
    summary="Slides, videos and posts of an event",
)
def presentations(
    request,
    event_id: int = Path(..., ge=1, le=MAX_ID, description="The event id."),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    event = get_object_or_404(public_events(), pk=event_id)
    items = event_presentations(event)
    return paginate(request, items, start, count, lambda item, urls: item, "presentations")


@get(
    "/groups/",
    response={200: GroupsOut, **ERRORS},
    operation_id="groups",
    summary="Communities (connpass groups)",
)
def groups(
    request,
    subdomain: Texts = Query(None, description="Community slugs."),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    queryset = public_groups()
    if subdomain:
        queryset = queryset.filter(slug__in=subdomain)
    return paginate(request, queryset, start, count, group_data, "groups")


@get("/users/", response={200: UsersOut, **ERRORS}, operation_id="users", summary="Users")
def users(
    request,
    nickname: Texts = Query(None, description="Nicknames."),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    queryset = public_users()
    if nickname:
        queryset = named(queryset, nickname)
    return paginate(request, queryset, start, count, user_data, "users")


@get(
    "/users/{nickname}/groups/",
    response={200: GroupsOut, **ERRORS_404},
    operation_id="user_groups",
    summary="Communities a user belongs to",
)
def user_groups(
    request,
    nickname: str = Path(..., description=NICKNAME_DOC),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    user = user_or_404(nickname)
    return paginate(request, groups_of(user), start, count, group_data, "groups")


@get(
    "/users/{nickname}/attended_events/",
    response={200: EventsOut, **ERRORS_404},
    operation_id="user_attended_events",
    summary="Events a user attended (if they appear on participant lists)",
)
def user_attended_events(
    request,
    nickname: str = Path(..., description=NICKNAME_DOC),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    user = user_or_404(nickname)
    queryset = attended_events_of(user).order_by("-starts_at", "-pk")
    return paginate(request, queryset, start, count, event_data, "events")


@get(
    "/users/{nickname}/presenter_events/",
    response={200: EventsOut, **ERRORS_404},
    operation_id="user_presenter_events",
    summary="Events where a user gave a talk",
)
def user_presenter_events(
    request,
    nickname: str = Path(..., description=NICKNAME_DOC),
    start: Start = Query(1, description=START_DOC),
    count: Count = Query(DEFAULT_COUNT, description=COUNT_DOC),
):
    user = user_or_404(nickname)
    queryset = presented_events_of(user).order_by("-starts_at", "-pk")
    return paginate(request, queryset, start, count, event_data, "events")
