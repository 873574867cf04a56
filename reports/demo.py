"""Demo data for reports: the published report of Docker Meetup Tokyo #23.

Assembled the way an organiser would: `create_draft` from the event, then the title, leads,
body and per-talk summaries (written for this demo from the participant's report in
shared/seed/), then `publish`. Idempotent: run it again and it updates the same report.
"""

import datetime as dt
import zoneinfo

from django.db import transaction

from . import figures, publishing
from .models import Report, TalkSummary

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
PUBLISHED_AT = dt.datetime(2018, 6, 11, 10, 0, tzinfo=TOKYO)

TITLE = "Docker Meetup Tokyo #23 開催レポート: マルチクラウドから gVisor まで"

LEAD = (
    "メインセッション 3 本と LT 5 本を、休憩なしで一気に駆け抜けた #23。"
    "マルチクラウドのデータ管理、機械学習のデプロイ、KubeCon + CloudNativeCon EU 2018 の報告、"
    "そして gVisor の性能測定まで。95 席に約 3 倍の応募をいただいた夜の記録です。"
)

LEAD_EN = (
    "Three sessions and five lightning talks, back to back with no break: multi-cloud data "
    "management, deploying machine learning in containers, news from KubeCon + CloudNativeCon "
    "EU 2018 and a gVisor network benchmark. About three applicants for each of the 95 seats."
)

BODY = """\
## 当日の様子

抽選倍率はおよそ 3 倍。当選された皆さん、ご来場ありがとうございました。今回は「ストロングスタイル」の構成で、19 時の開始から最後の LT まで休憩を挟まずに進行しました。ランタイムのセキュリティ、イメージの管理、機械学習の基盤と、コンテナの話題がこれだけ幅広くなったことを実感する回になりました。

会場からの質問も多く、とくに gVisor のオーバーヘッドと、実験段階から Docker を使うときのチーム内の合意の取り方について、懇親会まで議論が続いていました。

## 参加者のブログから

参加者のブログ記事は、このページの参加者レポートの欄にまとめています。「知らない界隈の話がたくさん聞けて楽しかった」「まずは Zenko を触ってみたい」という声をいただきました。記事を書かれた方は、イベントページから URL を登録してください。

## 次回に向けて

休憩なしの構成は密度が高い一方、途中で水分補給の時間がほしいという声もありました。次回 #24 では、セッションと LT の間に短い休憩を入れる予定です。

登壇者の皆さん、会場をご提供いただいた皆さん、そしてご参加の皆さん、ありがとうございました。
"""

# Summaries written for the demo from the content of the seed report, keyed by a word
# that appears in the talk's title.
SUMMARIES = [
    (
        "Zenko",
        "Zenko はオープンソースのマルチクラウド・データコントローラーです。"
        "アプリケーションは S3 互換の API ひとつだけを相手にし、その裏で AWS・GCP・Azure などの"
        "ストレージの違いを吸収します。ベンダーロックインを避けられるうえ、データの更新を"
        "きっかけにしたレプリケーションや配置の変更といったワークフローも組めます。\n\n"
        "管理 UI の Orbit、対応済みの S3 API と今後のロードマップ（ライフサイクル管理、"
        "メタデータ検索の拡張）、コミュニティづくりの取り組みを紹介。最後のデモでは、"
        "ローカルの Kubernetes から使い慣れた AWS CLI を叩くと Azure 上にバケットができ、"
        "会場から驚きの声が上がりました。",
    ),
    (
        "機械学習",
        "機械学習の理論自体は古くからありますが、アプリケーションに組み込むのが難しいという"
        "壁がありました。Web アプリとは言語もライブラリも違い、可用性などの非機能要件は"
        "後回しになりがちです。コンテナでロジックとリソースを分け、マイクロサービスとして"
        "独立させることで、この壁はかなり低くなりました。\n\n"
        "それでも設計の論点は残ります。前処理と推論で異なるリソース特性に合わせたコンテナの分割、"
        "コンテナごとのスケール、GPU 環境への配置と監視、定期的な再学習。Kubeflow は中小規模には"
        "大きすぎるかもしれないこと、マネージドサービス（SageMaker、Cloud ML Engine、Azure ML）の"
        "現状、そして実験の段階から Docker を使い、再現性とデプロイのしやすさを確保する"
        "cookiecutter-docker-science の取り組みが紹介されました。",
    ),
    (
        "KubeCon EU報告",
        "約 4,000 人が集まった KubeCon + CloudNativeCon EU 2018 から、ランタイムとイメージに"
        "関する 4 つの話題を紹介。\n\n"
        "- **gVisor**: Linux カーネルをユーザー空間に Go で実装し直したランタイム runsc。"
        "runc の代わりに使え、隔離は強くなる一方、システムコールの多い処理は遅くなる\n"
        "- **Rootless コンテナ**: root 権限なしでランタイムを動かすための、UID マッピング、"
        "cgroups、overlayfs それぞれの課題と解決策\n"
        "- **Entitlements**: 複雑になりすぎた `docker run` のセキュリティ関連フラグを、"
        "理解しやすい権限の単位にまとめる提案\n"
        "- **Kubernetes 上でのイメージビルド**: クラスタの中でイメージを作るツールの現状",
    ),
    (
        "microscanner",
        "KubeCon で気になった gVisor、CSI、Cilium、セキュリティツール群を紹介したうえで、"
        "Aqua Security の microscanner 無償版を試した報告。トークンを取得して Dockerfile の"
        "最後に 1 ステップ足すだけで、イメージ内のパッケージの脆弱性が一覧できます。"
        "古いパッケージほど指摘が増えるので、まずは手元のイメージで試してみては、という提案でした。",
    ),
    (
        "gVisor",
        "gVisor は Docker に runtime を追加するだけで手軽に試せますが、Pod 内のコンテナは 1 つだけ、"
        "一部のシステムコールは未対応といった制約があります。iperf3 で VM 同士、runc と比べると、"
        "パケットを処理する Sentry がボトルネックになり、ネットワーク性能は大きく落ちました。"
        "`--network=host` である程度は取り戻せるので、特性を理解して用途を選ぶのがよい、という結論です。",
    ),
    (
        "Capability",
        "ひとくちに root 権限といっても、中身は Capability という単位に分かれています。"
        "コンテナのデフォルトではホスト名の変更などは許されておらず、必要なときは"
        "その Capability だけを渡せばよい。`--privileged` に頼らないための考え方を 5 分で整理した LT でした。",
    ),
    (
        "Tree",
        "ECR と ECS、Terraform、Drone を使う環境で、GitLab Flow により環境ごとのブランチから"
        "デプロイする運用。コミットハッシュでイメージにタグを付けると、中身が同じでも環境ごとに"
        "別のイメージができてしまいます。Git のツリーハッシュをタグにすることで、同じ内容なら"
        "同じイメージを使い回せるようになり、デプロイの流れが単純になりました。"
        "ECR を本番アカウントに置き、スイッチロールで触れる人を絞る工夫も紹介されました。",
    ),
    (
        "caicloud",
        "KubeCon EU で印象に残った 2 つのセッションを紹介。巨大なカード決済を支える UnionPay の"
        "基盤を Kubernetes で構築した caicloud の事例（シングルサインオン、マルチテナント、"
        "ネットワーク設計）と、Linux カーネルの機能で Envoy を高速化する Cilium の取り組みです。",
    ),
]


def _summary_for(title: str) -> str | None:
    for keyword, text in SUMMARIES:
        if keyword.lower() in title.lower():
            return text
    return None


def load(users, event_23) -> Report:
    organiser = users["organiser"]
    with transaction.atomic():
        report = Report.objects.filter(event=event_23).first()
        if report is None:
            report = publishing.create_draft(event_23, by=organiser)
        Report.objects.filter(pk=report.pk).update(
            title=TITLE, lead=LEAD, lead_en=LEAD_EN, body=BODY, last_edited_by=organiser
        )
        publishing.ensure_talk_summaries(report)
        for summary in TalkSummary.objects.filter(report=report).select_related("talk"):
            text = _summary_for(summary.talk.title)
            if text is not None and summary.summary != text:
                summary.summary = text
                summary.save(update_fields=["summary"])
        report.refresh_from_db()
        if not report.is_published:
            report = publishing.publish(report, by=organiser)
        elif report.figures != figures.compute(event_23):
            report = publishing.refresh_figures(report, by=organiser)
        # Backdate, as if published a few days after the event.
        Report.objects.filter(pk=report.pk).update(
            published_at=PUBLISHED_AT, updated_at=PUBLISHED_AT, figures_taken_at=PUBLISHED_AT
        )
    report.refresh_from_db()
    return report
