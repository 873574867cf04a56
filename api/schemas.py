"""Response shapes of connpass API v2. Strings without a value are "" rather than null."""

from datetime import datetime
from typing import Literal

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    parameter: str = ""


class GroupRef(Schema):
    id: int
    subdomain: str
    title: str
    url: str


class EventOut(Schema):
    id: int
    title: str
    catch: str
    description: str
    url: str
    image_url: str
    hash_tag: str
    started_at: datetime
    ended_at: datetime
    limit: int | None
    event_type: Literal["participation", "advertisement"]
    open_status: Literal["preopen", "open", "close", "cancelled"]
    group: GroupRef | None
    address: str
    place: str
    lat: str
    lon: str
    owner_id: int
    owner_nickname: str
    owner_display_name: str
    accepted: int
    waiting: int
    updated_at: datetime


class Envelope(Schema):
    results_returned: int
    results_available: int
    results_start: int


class EventsOut(Envelope):
    events: list[EventOut]


class UserRef(Schema):
    id: int
    nickname: str


class PresentationOut(Schema):
    user: UserRef | None
    url: str
    name: str
    presenter: UserRef | None
    presentation_type: Literal["slide", "movie", "blog"]
    created_at: datetime


class PresentationsOut(Envelope):
    presentations: list[PresentationOut]


class GroupOut(Schema):
    id: int
    subdomain: str
    title: str
    sub_title: str
    url: str
    description: str
    owner_text: str
    image_url: str
    website_url: str
    website_name: str
    twitter_username: str
    facebook_url: str
    member_users_count: int


class GroupsOut(Envelope):
    groups: list[GroupOut]


class UserOut(Schema):
    id: int
    nickname: str
    display_name: str
    description: str
    url: str
    image_url: str
    created_at: datetime
    attended_event_count: int
    organize_event_count: int
    presenter_event_count: int
    bookmark_event_count: int


class UsersOut(Envelope):
    users: list[UserOut]
