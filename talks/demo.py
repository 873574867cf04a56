"""Demo data for talks: the eight talks of Docker Meetup Tokyo #23 (shared/seed report's
講演内容一覧), their speakers, slide links, and two participants' blog reports.

Idempotent: speakers are found by name, talks by (event, position), materials by (event, URL).
"""

import datetime as dt

from django.utils import timezone

from .models import Material, Speaker, Talk, TalkSpeaker

# (name, affiliation, X username)
SPEAKERS = {
    "laure": ("Laure Vergeron", "R&D Engineer and Technology Evangelist @Scality", ""),
    "chie": ("Chie Hayashida", "Cookpad", ""),
    "suda": ("Akihiro Suda", "NTT", ""),
    "toku": ("@CS_Toku", "", "CS_Toku"),
    "makocchi": ("makocchi", "", ""),
    "aoyama": ("Masaya Aoyama", "", ""),
    "yoshida": ("Yuki Yoshida", "", ""),
    "iwamoto": ("Toshihiro Iwamoto", "VA Linux Systems Japan", ""),
}

S, LT = Talk.Kind.SESSION, Talk.Kind.LIGHTNING

# (speaker, kind, start "HH:MM", minutes, language, title, slides URL, abstract)
TALKS = [
    (
        "laure",
        S,
        "19:10",
        30,
        "en",
        "Docker Meetup Tokyo #23 - Zenko Open Source Multi-Cloud Data Controller",
        "https://www.slideshare.net/LaureVergeron/docker-meetup-tokyo-23-zenko-open-source-multicloud-data-controller-laure-vergeron",
        "Avoiding public cloud vendor lock-in: how **Zenko**, the multi-cloud data controller, "
        "gives one endpoint, one API (S3) and one namespace over AWS, GCP and Azure storage.",
    ),
    (
        "chie",
        S,
        "19:40",
        30,
        "ja",
        "機械学習デプロイを支えるコンテナ技術",
        "https://speakerdeck.com/chie8842/ji-jie-xue-xi-depuroiwozhi-erukontenaji-shu",
        "機械学習アプリケーションの導入を難しくしていたものと、コンテナによるマイクロサービス化。"
        "コンテナの分離、スケーラビリティ、GPU 環境へのデプロイ、モデルの再学習。",
    ),
    (
        "suda",
        S,
        "20:10",
        30,
        "ja",
        "KubeCon EU報告(ランタイム関連,イメージ関連)",
        "https://www.slideshare.net/AkihiroSuda/kubecon-eu-runtime-image-docker-meetup-tokyo-23",
        "KubeCon + CloudNativeCon EU 2018 から: gVisor、Rootless Containers、Entitlements、"
        "Kubernetes 上でのイメージビルド。",
    ),
    (
        "toku",
        LT,
        "20:40",
        5,
        "ja",
        "KubeCon報告とmicroscanner試してみた",
        "https://speakerdeck.com/cstoku/kubeconbao-gao-tomicroscannershi-sitemita",
        "Aqua Security の microscanner (Free 版) でコンテナイメージの脆弱性スキャンを試した話。",
    ),
    (
        "makocchi",
        LT,
        "20:45",
        5,
        "ja",
        "Docker_Meetup_Tokyo_23_gVisor_network_traffic_benchmark",
        "https://speakerdeck.com/makocchi/docker-meetup-tokyo-23-gvisor-network-traffic-benchmark",
        "gVisor での Network Traffic の性能を iperf3 で runc・VM と比較してみた。",
    ),
    (
        "aoyama",
        LT,
        "20:50",
        5,
        "ja",
        "5分でわかるCapabilityとPrivilege",
        "https://speakerdeck.com/masayaaoyama/dockermeetup23-capability-privilege",
        "root 権限の中身、Linux Capability と `--privileged` の違いを 5 分で。",
    ),
    (
        "yoshida",
        LT,
        "20:55",
        5,
        "ja",
        "Dockerイメージのバージョン管理はGitのCommitHashよりもTreeでやると良い",
        "https://speakerdeck.com/yukiyoshida/docker-image-versioning-with-git-tree-hash",
        "ECR/ECS と GitLab Flow の運用で、イメージのタグを Git の Tree ハッシュにしてムダを省いた話。",
    ),
    (
        "iwamoto",
        LT,
        "21:00",
        5,
        "ja",
        "KubeCon EU でおもしろかったもの (caicloudのunionpay事例, cilium)",
        "https://www.slideshare.net/ToshihiroIwamoto/kubecon-eu-caicloud-unionpay-cilium",
        "Kubernetes on Supporting $8 Trillion Card Payments in China と、"
        "Accelerating Envoy with the Linux Kernel (Cilium)。",
    ),
]

# (nickname of the author, title, URL, days after the event)
BLOG_REPORTS = [
    (
        "hamako9999",
        "Docker漬けの一日を共に〜Docker Meetup Tokyo #23 レポート〜 #dockertokyo",
        "https://blog.start-plan.example/entry/docker-meetup-tokyo-23-report",
        1,
    ),
    (
        "alice",
        "Docker Meetup Tokyo #23 に参加して gVisor と Rootless を調べた",
        "https://alice.example.com/2018/06/docker-meetup-tokyo-23",
        3,
    ),
]


def _at(event, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = timezone.localtime(event.starts_at, event.tzinfo)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def load(users, event_23) -> dict[str, list]:
    speakers = {}
    for key, (name, affiliation, x_username) in SPEAKERS.items():
        speakers[key], _ = Speaker.objects.get_or_create(
            name=name, defaults={"affiliation": affiliation, "x_username": x_username}
        )

    talks = []
    for position, (key, kind, start, minutes, language, title, slides, abstract) in enumerate(
        TALKS, start=1
    ):
        talk, _ = Talk.objects.update_or_create(
            event=event_23,
            position=position,
            defaults={
                "title": title,
                "kind": kind,
                "starts_at": _at(event_23, start),
                "duration_minutes": minutes,
                "language": language,
                "slides_url": slides,
                "abstract": abstract,
            },
        )
        TalkSpeaker.objects.get_or_create(talk=talk, speaker=speakers[key])
        talks.append(talk)

    organiser = users["organiser"]
    reports = []
    for nickname, title, url, days in BLOG_REPORTS:
        material, created = Material.objects.get_or_create(
            event=event_23,
            url=url,
            defaults={
                "kind": Material.Kind.BLOG,
                "title": title,
                "submitted_by": users[nickname],
                "approved": True,
                "approved_by": organiser,
                "approved_at": event_23.ends_at + dt.timedelta(days=days, hours=2),
            },
        )
        if created:  # backdate: the posts were written the days after the event
            Material.objects.filter(pk=material.pk).update(
                created_at=event_23.ends_at + dt.timedelta(days=days)
            )
        reports.append(material)
    return {"speakers": list(speakers.values()), "talks": talks, "materials": reports}
