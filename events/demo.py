"""Demo data for events: Docker Meetup Tokyo, its past #23 (from shared/seed) and an open #24.

Idempotent: every object is found by a stable key before it is created.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from events.models import Community, Event, Registration, TicketType
from events.registration import allocation

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
    for position, (name, capacity, method) in enumerate(ticket_types_23):
        TicketType.objects.get_or_create(
            event=event_23,
            position=position,
            defaults={
                "name": name,
                "capacity": capacity,
                "allocation": method,
                "opens_at": _at(2018, 5, 18, 12, 0),
                "closes_at": _at(2018, 6, 4, 23, 59),
                "lottery_at": _at(2018, 6, 5, 0, 0)
                if method == TicketType.Allocation.LOTTERY
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
        for position, (name, capacity, method) in enumerate(
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
                allocation=method,
                opens_at=opens,
                closes_at=closes,
                lottery_at=closes + dt.timedelta(hours=1)
                if method == TicketType.Allocation.LOTTERY
                else None,
            )
        _demo_questions(event_24)
    # Last: #23's applicants must exist before the draw, and check-ins come after it.
    load_applicants(users, event_23, event_24)
    draw_demo_lottery(event_23)
    settle_after_draw(event_23)
    return {"community": community, "event_23": event_23, "event_24": event_24}


def _demo_questions(event) -> None:
    """The questionnaire (アンケート) of #24: experience, the party, and one for LT speakers."""
    from events.models import Question

    kind = Question.Kind
    Question.objects.create(
        event=event, position=0, kind=kind.ONE_CHOICE, required=True,
        text_ja="Docker の利用経験は？", text_en="How much have you used Docker?",
        choices="これから | Not yet\n1 年未満 | Less than a year\n1 年以上 | A year or more",
    )  # fmt: skip
    Question.objects.create(
        event=event, position=1, kind=kind.YES_NO, counts_for_party=True,
        text_ja="懇親会に参加しますか？", text_en="Will you join the party after the talks?",
    )  # fmt: skip
    lt_title = Question.objects.create(
        event=event, position=2, kind=kind.SHORT_TEXT, required=True,
        text_ja="LT のタイトル", text_en="Title of your lightning talk",
    )  # fmt: skip
    lt_title.ticket_types.set(event.ticket_types.filter(allocation="approval"))


def draw_demo_lottery(event_23) -> None:
    """Draw #23's lottery as it happened: committed before the window, drawn at lottery time.

    Idempotent: a drawn lottery (or one without entries yet) is left alone. The seed is random
    per installation; the published JSON verifies all the same.
    """
    from events.registration import draw

    tt = (
        event_23.ticket_types.filter(allocation=TicketType.Allocation.LOTTERY)
        .order_by("position", "pk")
        .first()
    )
    pending = tt is not None and tt.registrations.filter(status=Registration.Status.PENDING)
    if tt is None or tt.is_drawn or not pending.exists():
        return
    # The commitment was published with the ticket type, before applications opened.
    committed_at = tt.opens_at - dt.timedelta(hours=1)
    TicketType.objects.filter(pk=tt.pk).update(committed_at=committed_at)
    tt.committed_at = committed_at
    draw.draw(tt, now=tt.lottery_at, notify=False)


# -- Applicants ----------------------------------------------------------------------------
# Fictional people. Every registration goes through the workflow (events.registration), at the
# time it happened in the story (`now=`), without mail (`notify=False`).

FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "前田",
    "藤田",
    "小川",
    "岡田",
]
GIVEN = [
    "健",
    "翔",
    "蓮",
    "陽斗",
    "大翔",
    "悠真",
    "湊",
    "樹",
    "結衣",
    "陽菜",
    "葵",
    "凛",
    "美咲",
    "さくら",
    "花子",
    "健太",
    "拓海",
    "直樹",
    "彩",
    "優子",
    "愛",
    "真央",
    "亮",
    "誠",
    "智也",
    "舞",
    "香織",
    "千尋",
]
APPLICANTS = 285  # about 3 per seat for #23's 95 lottery seats, plus the two first-come types


def _applicants(count):
    import random

    from allauth.account.models import EmailAddress

    from accounts.models import User

    rng = random.Random(23)
    emails = [f"applicant{n:03d}@example.com" for n in range(1, count + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    new = []
    for n, email in enumerate(emails, start=1):
        if email in existing:
            continue
        user = User(
            email=email,
            nickname=f"applicant{n:03d}",
            display_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        ignore_conflicts=True,
    )
    return users


def _spread(start, end, n, rng):
    span = (end - start).total_seconds()
    # Most people apply in the first hours after the window opens.
    return sorted(start + dt.timedelta(seconds=span * rng.random() ** 3) for _ in range(n))


LT_TITLES = [
    "BuildKit のキャッシュを使い倒す",
    "Rootless Podman で CI を回す",
    "コンテナイメージを 10 MB にした話",
]


def _demo_answers(questions, n: int, rng) -> dict:
    """What applicant number `n` answers: a choice, yes or no, an LT title."""
    from events.models import NO, YES

    answers = {}
    for question in questions:
        if question.is_choice:
            answers[question] = rng.choice(question.options)
        elif question.kind == question.Kind.YES_NO:
            answers[question] = YES if rng.random() < 0.6 else NO
        elif question.required:
            answers[question] = LT_TITLES[n % len(LT_TITLES)]
    return answers


def _apply_all(tt, people, times, hidden_every=0, hidden_at=-1):
    """Apply each person at their time, answering the event's questions; some chose not to
    appear in the participant list."""
    import random

    from events.registration.answers import questions_for

    questions = questions_for(tt)
    rng = random.Random(tt.pk)
    for n, (user, applied_at) in enumerate(zip(people, times, strict=True)):
        listed = not hidden_every or n % hidden_every != hidden_at
        allocation.apply(
            tt,
            user=user,
            show_in_list=listed,
            answers=_demo_answers(questions, n, rng),
            now=applied_at,
            notify=False,
        )


def load_applicants(users, event_23, event_24) -> None:
    """#23: ~285 applicants over its three types; #24: a lively, still open event."""
    import random

    if Registration.objects.filter(event__in=[event_23, event_24]).exists():
        return
    rng = random.Random(2318)
    people = _applicants(APPLICANTS)
    lottery_tt, lt_tt, blog_tt = event_23.ticket_types.order_by("position", "pk")[:3]

    # LT speakers: 6 came, the 6th waits. Blog writers: hamako9999 (whose report is the seed)
    # among the first five, 9 more behind them.
    _apply_all(lt_tt, people[:6], _spread(lt_tt.opens_at, lt_tt.closes_at, 6, rng), 7, 3)
    blog_people = [users["hamako9999"], *people[6:19]]
    blog_times = _spread(blog_tt.opens_at, blog_tt.closes_at, 14, rng)
    _apply_all(blog_tt, blog_people, blog_times, 7, 3)
    # The lottery: everybody else is pending until the draw.
    lottery_people = people[19:]
    times = _spread(lottery_tt.opens_at, lottery_tt.closes_at, len(lottery_people), rng)
    _apply_all(lottery_tt, lottery_people, times, 5, 2)

    # #24: the lottery is filling up, the first-come type has a few seats left, and three LT
    # applications wait for the organisers' approval.
    lottery_24, first_24, approval_24 = event_24.ticket_types.order_by("position", "pk")[:3]
    now = timezone.now()
    _apply_all(lottery_24, people[:140], _spread(lottery_24.opens_at, now, 140, rng))
    _apply_all(first_24, people[140:156], _spread(first_24.opens_at, now, 16, rng))
    approval_times = [now - dt.timedelta(hours=3 - n) for n in range(3)]
    _apply_all(approval_24, people[156:159], approval_times)


def settle_after_draw(event_23) -> None:
    """After #23's draw: a few winners cancel and the waitlist moves up; on the day, most
    accepted people check in. Idempotent: skipped once anyone has checked in."""
    import random

    accepted = Registration.objects.filter(event=event_23, status=Registration.Status.ACCEPTED)
    if Registration.objects.filter(event=event_23, checked_in_at__isnull=False).exists():
        return
    rng = random.Random(607)
    lottery_tt, *first_come = event_23.ticket_types.order_by("position", "pk")
    if lottery_tt.is_drawn:
        winners = list(accepted.filter(ticket_type=lottery_tt).order_by("pk"))
        for n, registration in enumerate(rng.sample(winners, min(9, len(winners)))):
            when = lottery_tt.lottery_at + dt.timedelta(hours=6 + 7 * n)
            allocation.cancel(registration, by=registration.user, now=when, notify=False)
    # Blog writers: one cancelled two days before; the first on the waitlist moved up.
    blog_tt = first_come[-1] if first_come else None
    if blog_tt is not None:
        holder = (
            accepted.filter(ticket_type=blog_tt)
            .exclude(user__nickname="hamako9999")
            .order_by("applied_at", "pk")
            .last()
        )
        if holder is not None:
            when = event_23.starts_at - dt.timedelta(days=2)
            allocation.cancel(holder, by=holder.user, now=when, notify=False)
    # On the day: about nine in ten accepted people came (hamako9999 did), let in at the door.
    door = event_23.community.organisers.order_by("pk").first()
    for registration in accepted.select_related("user").order_by("pk"):
        came = (
            registration.ticket_type_id != lottery_tt.pk
            or rng.random() < 0.9
            or (registration.user and registration.user.nickname == "hamako9999")
        )
        if came:
            when = event_23.starts_at - dt.timedelta(minutes=rng.randint(0, 40))
            allocation.check_in(registration, by=door, now=when)
