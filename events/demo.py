"""Demo data for events: Docker Meetup Tokyo, its past #23 (from shared/seed) and an open #24.

Idempotent: every object is found by a stable key before it is created.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from .models import Community, Event, TicketType

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

COMMUNITY_DESCRIPTION = """\
Docker Meetup Tokyo は、Docker とコンテナ技術に関わるエンジニアの勉強会です。
ランタイム、イメージ、オーケストレーション、セキュリティ、機械学習基盤まで、
現場の知見を持ち寄って共有します。

Docker Meetup Tokyo is a study group for engineers who work with Docker and containers.
"""

EVENT_23_DESCRIPTION = """\
Docker Meetup Tokyo #23 です。今回は **メインセッション 3 本と LT 5 本** の大ボリュームでお届けします。

- Zenko: マルチクラウドのデータコントローラー
- 機械学習デプロイを支えるコンテナ技術
- KubeCon + CloudNativeCon EU 2018 報告（ランタイム・イメージ関連）
- LT: gVisor、Capability と Privilege、イメージのバージョン管理 ほか

ハッシュタグは #dockertokyo です。休憩なしのストロングスタイルなので、飲み物をお忘れなく。
"""

EVENT_24_DESCRIPTION = """\
Docker Meetup Tokyo #24. Rootless containers, BuildKit and what is new in the runtimes.
Sessions in Japanese and English; slides are shared on this page after the event.

- 19:00 開場・受付
- 19:30 セッション
- 21:00 LT
- 21:30 懇親会
"""


def _at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def load(users) -> dict[str, Event]:
    organiser = users["organiser"]
    community, _ = Community.objects.update_or_create(
        slug="docker-tokyo",
        defaults={
            "name": "Docker Meetup Tokyo",
            "catch": "Docker とコンテナ技術の勉強会 · Containers in Tokyo",
            "description": COMMUNITY_DESCRIPTION,
            "x_username": "dockertokyo",
        },
    )
    community.organisers.add(organiser)

    event_23, _ = Event.objects.update_or_create(
        community=community,
        number=23,
        defaults={
            "title": "Docker Meetup Tokyo #23",
            "catch": "Docker 漬けの一日: マルチクラウド、機械学習、KubeCon EU 報告と LT 5 本",
            "description": EVENT_23_DESCRIPTION,
            "starts_at": _at(2018, 6, 7, 19, 0),
            "ends_at": _at(2018, 6, 7, 21, 30),
            "timezone": "Asia/Tokyo",
            "venue_name": "渋谷テックホール (demo venue)",
            "address": "東京都渋谷区渋谷 2-21-1",
            "hashtag": "dockertokyo",
            "status": Event.Status.PUBLISHED,
            "published_at": _at(2018, 5, 18, 12, 0),
            "owner": organiser,
        },
    )
    ticket_types_23 = [
        ("一般枠 (抽選) · General (lottery)", 95, TicketType.Allocation.LOTTERY),
        ("LT 枠 · Lightning talk speakers", 5, TicketType.Allocation.FIRST_COME),
        ("ブログ枠 · Blog writers", 5, TicketType.Allocation.FIRST_COME),
    ]
    for position, (name, capacity, allocation) in enumerate(ticket_types_23):
        TicketType.objects.get_or_create(
            event=event_23,
            position=position,
            defaults={
                "name": name,
                "capacity": capacity,
                "allocation": allocation,
                "opens_at": _at(2018, 5, 18, 12, 0),
                "closes_at": _at(2018, 6, 4, 23, 59),
                "lottery_at": _at(2018, 6, 5, 0, 0)
                if allocation == TicketType.Allocation.LOTTERY
                else None,
            },
        )

    # #24 is always a few weeks ahead, so a visitor can apply in the browser.
    today = timezone.localdate(timezone=TOKYO)
    day_24 = today + dt.timedelta(days=21)
    event_24, created = Event.objects.get_or_create(
        community=community,
        number=24,
        defaults={
            "title": "Docker Meetup Tokyo #24",
            "catch": "Rootless コンテナ、BuildKit、ランタイムの最新動向",
            "description": EVENT_24_DESCRIPTION,
            "starts_at": _at(day_24.year, day_24.month, day_24.day, 19, 0),
            "ends_at": _at(day_24.year, day_24.month, day_24.day, 21, 30),
            "timezone": "Asia/Tokyo",
            "venue_name": "渋谷テックホール (demo venue)",
            "address": "東京都渋谷区渋谷 2-21-1",
            "hashtag": "dockertokyo",
            "status": Event.Status.PUBLISHED,
            "published_at": timezone.now(),
            "owner": organiser,
        },
    )
    if created:
        opens = timezone.now() - dt.timedelta(days=2)
        closes = event_24.starts_at - dt.timedelta(days=3)
        for position, (name, capacity, allocation) in enumerate(
            [
                ("一般枠 (抽選) · General (lottery)", 100, TicketType.Allocation.LOTTERY),
                ("先着枠 · First come", 20, TicketType.Allocation.FIRST_COME),
                ("LT 枠 · Lightning talk speakers", 5, TicketType.Allocation.APPROVAL),
            ]
        ):
            TicketType.objects.create(
                event=event_24,
                position=position,
                name=name,
                capacity=capacity,
                allocation=allocation,
                opens_at=opens,
                closes_at=closes,
                lottery_at=closes + dt.timedelta(hours=1)
                if allocation == TicketType.Allocation.LOTTERY
                else None,
            )
    return {"community": community, "event_23": event_23, "event_24": event_24}
