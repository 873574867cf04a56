"""Query parameters as connpass API v2 takes them, and their validation.

Every list parameter takes repeated keys (``?ym=202601&ym=202602``) and comma-separated
values (``?ym=202601,202602``). A value that cannot be used is a 400 naming the parameter
(``order`` too: only 1, 2 and 3); ``count`` above 100 is clamped to 100 as connpass does.
Parameters the API does not know (``format=json`` from v1-era clients) are ignored, as connpass
ignores them.
"""

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import core_schema

MAX_VALUES = 100  # values per list parameter
MAX_TEXT = 255  # characters per keyword, nickname or slug
MAX_ID = 2**53  # larger ids cannot exist and would overflow the database
MAX_START = 1_000_000
MAX_COUNT = 100
DEFAULT_COUNT = 10

PREFECTURES = {
    "online": "",
    "hokkaido": "北海道", "aomori": "青森県", "iwate": "岩手県", "miyagi": "宮城県",
    "akita": "秋田県", "yamagata": "山形県", "fukushima": "福島県", "ibaraki": "茨城県",
    "tochigi": "栃木県", "gunma": "群馬県", "saitama": "埼玉県", "chiba": "千葉県",
    "tokyo": "東京都", "kanagawa": "神奈川県", "niigata": "新潟県", "toyama": "富山県",
    "ishikawa": "石川県", "fukui": "福井県", "yamanashi": "山梨県", "nagano": "長野県",
    "gifu": "岐阜県", "shizuoka": "静岡県", "aichi": "愛知県", "mie": "三重県",
    "shiga": "滋賀県", "kyoto": "京都府", "osaka": "大阪府", "hyogo": "兵庫県",
    "nara": "奈良県", "wakayama": "和歌山県", "tottori": "鳥取県", "shimane": "島根県",
    "okayama": "岡山県", "hiroshima": "広島県", "yamaguchi": "山口県", "tokushima": "徳島県",
    "kagawa": "香川県", "ehime": "愛媛県", "kochi": "高知県", "fukuoka": "福岡県",
    "saga": "佐賀県", "nagasaki": "長崎県", "kumamoto": "熊本県", "oita": "大分県",
    "miyazaki": "宮崎県", "kagoshima": "鹿児島県", "okinawa": "沖縄県",
}  # fmt: skip

Prefecture = Literal[tuple(PREFECTURES)]  # type: ignore[valid-type]


class ParameterError(Exception):
    """A parameter that cannot be used: a 400 naming it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def split_commas(value):
    """Repeated keys arrive as a list; each item may hold comma-separated values."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.extend(part.strip() for part in item.split(",") if part.strip())
        else:
            out.append(item)
    return out


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00]+$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A day that the pattern admits but the calendar lacks (20260230) matches no event.
Month = Annotated[str, Field(pattern=r"^[1-9][0-9]{3}(0[1-9]|1[0-2])$")]
Day = Annotated[str, Field(pattern=r"^[1-9][0-9]{3}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$")]
PrefectureValue = Annotated[Prefecture, BeforeValidator(_lower)]


def many(item, name: str):
    """An optional list parameter: repeated keys, each of which may hold comma-separated values.

    A list subclass (not ``Annotated``) so that ninja sees a collection and reads every key.
    """

    def schema(cls, source, handler):
        inner = handler.generate_schema(Annotated[list[item], Field(max_length=MAX_VALUES)])
        return core_schema.no_info_before_validator_function(split_commas, inner)

    attrs = {"__get_pydantic_core_schema__": classmethod(schema), "__args__": (item,)}
    many_type = type(name, (list,), attrs)
    return many_type


Ids = many(Id, "Ids")
Texts = many(Text, "Texts")
Months = many(Month, "Months")
Days = many(Day, "Days")
Prefectures = many(PrefectureValue, "Prefectures")
Order = Annotated[int, Field(ge=1, le=3)]
Start = Annotated[int, Field(ge=1, le=MAX_START)]
Count = Annotated[int, Field(ge=1)]


def page_bounds(start: int, count: int) -> tuple[int, int]:
    """(offset, limit) for a 1-based start and a count clamped to 100."""
    return start - 1, min(count, MAX_COUNT)
