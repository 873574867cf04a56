"""Response shapes of connpass API v2, with null where connpass sends null.

Every timestamp is written ``YYYY-MM-DDTHH:MM:SS+09:00``: with its offset, never ``Z``. Event
times (and presentations') are in the event's own time zone; users' in the site's zone
(``DJANGO_TIME_ZONE``, Asia/Tokyo by default). Fields marked as extensions are not in connpass;
connpass clients ignore them.
"""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(timespec="seconds"), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class ErrorOut(Schema):
    detail: str
    parameter: str = ""


class GroupRef(Schema):
    id: int
    subdomain: str
    title: str
    url: str


OpenStatus = Literal["preopen", "open", "close", "cancelled"]


class EventOut(Schema):
    id: int
    title: str
    catch: str
    description: str
    url: str
    image_url: str
    hash_tag: str
    started_at: Timestamp
    ended_at: Timestamp
    limit: int | None
    event_type: Literal["participation", "advertisement"]
    open_status: OpenStatus = Field(
        description="preopen before the event starts, open while it runs, close after it ends, "
        "cancelled (as connpass)."
    )
    group: GroupRef | None
    address: str | None
    place: str | None
    lat: str | None
    lon: str | None
    owner_id: int | None
    owner_nickname: str | None
    owner_display_name: str | None
    accepted: int
    waiting: int
    updated_at: Timestamp
    timezone: str = Field(
        description="Extension: the event's time zone (IANA name), the one its times are in."
    )
    application_status: Literal["preopen", "open", "close"] = Field(
        description="Extension: the registration window, from the earliest opening to the "
        "latest closing ticket type; close for imported and cancelled events."
    )
    application_opens_at: Timestamp | None = Field(
        description="Extension: when the first ticket type opens for applications."
    )
    application_closes_at: Timestamp | None = Field(
        description="Extension: when the last ticket type closes for applications."
    )


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
    created_at: Timestamp


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
    facebook_url: str | None
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
    created_at: Timestamp
    attended_event_count: int
    organize_event_count: int
    presenter_event_count: int
    bookmark_event_count: int


class UsersOut(Envelope):
    users: list[UserOut]
