import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from reports import publishing
from reports.models import Report, TalkSummary
from tests.factories import (
    CommunityFactory,
    EventFactory,
    MaterialFactory,
    ReportFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def past(days):
    start = timezone.now() - dt.timedelta(days=days)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=3)}


def titles(response):
    return [r.title for r in response.context["reports"]]


# -- The list


def test_report_list_shows_published_reports_newest_event_first(client):
    old = ReportFactory(title="Old", event=EventFactory(**past(60)))
    new = ReportFactory(title="New", event=EventFactory(**past(5)))
    ReportFactory(title="Draft", status=Report.Status.DRAFT, event=EventFactory(**past(3)))

    response = client.get(reverse("reports:report_list"))

    assert response.status_code == 200
    assert titles(response) == [new.title, old.title]


def test_report_list_filters_by_community_year_and_search(client):
    tokyo = CommunityFactory(slug="tokyo", name="Tokyo")
    osaka = CommunityFactory(slug="osaka", name="Osaka")
    start_2018 = dt.datetime(2018, 6, 7, 10, tzinfo=dt.UTC)
    start_2019 = dt.datetime(2019, 6, 7, 10, tzinfo=dt.UTC)
    ReportFactory(
        title="Tokyo 2018 gVisor",
        event=EventFactory(community=tokyo, starts_at=start_2018, ends_at=start_2018),
    )
    ReportFactory(
        title="Tokyo 2019",
        event=EventFactory(community=tokyo, starts_at=start_2019, ends_at=start_2019),
    )
    ReportFactory(
        title="Osaka 2018",
        event=EventFactory(community=osaka, starts_at=start_2018, ends_at=start_2018),
    )
    url = reverse("reports:report_list")

    assert titles(client.get(url, {"community": "tokyo"})) == ["Tokyo 2019", "Tokyo 2018 gVisor"]
    assert titles(client.get(url, {"year": "2018"})) == ["Osaka 2018", "Tokyo 2018 gVisor"]
    assert titles(client.get(url, {"q": "gvisor"})) == ["Tokyo 2018 gVisor"]
    assert titles(client.get(url, {"community": "osaka", "year": "2019"})) == []


def test_report_list_paginates_twelve_a_page(client):
    for days in range(13):
        ReportFactory(event=EventFactory(**past(days + 1)))

    response = client.get(reverse("reports:report_list"), {"page": 2})

    assert (len(response.context["reports"]), response.context["page_obj"].number) == (1, 2)


def test_report_list_without_reports_shows_an_empty_state(client):
    response = client.get(reverse("reports:report_list"))

    assert "No reports yet" in response.content.decode()


def test_report_list_htmx_request_renders_only_the_results(client):
    ReportFactory(title="Only one", event=EventFactory(**past(3)))

    response = client.get(reverse("reports:report_list"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert ("Only one" in html, "<html" in html) == (True, False)


def test_report_list_query_count_is_constant(client, django_assert_num_queries):
    ReportFactory(event=EventFactory(**past(1)))
    with django_assert_num_queries(4):
        client.get(reverse("reports:report_list"))
    for days in range(2, 21):
        ReportFactory(event=EventFactory(**past(days)))
    with django_assert_num_queries(4):
        client.get(reverse("reports:report_list"))


# -- The report page


@pytest.fixture
def report(past_event):
    return ReportFactory(event=past_event, title="What we learned", lead="A full room.")


def test_report_detail_shows_talks_speakers_summaries_and_materials(client, report):
    speaker = SpeakerFactory(name="Akihiro Suda", affiliation="NTT")
    talk = TalkFactory(event=report.event, title="KubeCon EU", speakers=[speaker])
    TalkSummary.objects.create(report=report, talk=talk, summary="Four **topics**.")
    MaterialFactory(event=report.event, title="My blog post")
    MaterialFactory(event=report.event, title="Hidden", approved=False)

    response = client.get(reverse("reports:report_detail", args=[report.event_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.title for t in response.context["talks"]] == ["KubeCon EU"]
    assert [m.title for m in response.context["participant_materials"]] == ["My blog post"]
    assert "Four <strong>topics</strong>." in html
    assert "(NTT)" in html
    assert talk.slides_url in html
    assert "Hidden" not in html


def test_report_detail_shows_frozen_figures_and_chart(client, report):
    Report.objects.filter(pk=report.pk).update(
        figures={
            "seats": 95,
            "applicants": 285,
            "applicants_per_seat": 3.0,
            "checked_in": 80,
            "accepted": 95,
            "attendance_rate": 0.842,
            "ticket_types": [],
        }
    )

    response = client.get(reverse("reports:report_detail", args=[report.event_id]))

    html = response.content.decode()
    assert [bar["value"] for bar in response.context["chart"]["bars"]] == [95, 285, 80]
    assert "84%" in html
    assert "<svg" in html
    assert "style=" not in html


def test_report_detail_has_sharing_meta_and_canonical_url(client, report):
    response = client.get(reverse("reports:report_detail", args=[report.event_id]))

    html = response.content.decode()
    url = f"http://testserver/reports/{report.event_id}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="What we learned">' in html
    assert '<meta property="og:description" content="A full room.">' in html
    assert (
        '<meta property="og:image" content="http://testserver/static/img/report-og-default.png">'
        in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'type="application/atom+xml"' in html


def test_report_detail_of_a_draft_is_404_to_anonymous_readers(client, past_event):
    ReportFactory(event=past_event, status=Report.Status.DRAFT)

    response = client.get(reverse("reports:report_detail", args=[past_event.pk]))

    assert response.status_code == 404


def test_report_detail_of_a_draft_is_404_even_to_its_organiser(client, past_event, organiser):
    ReportFactory(event=past_event, status=Report.Status.DRAFT)
    client.force_login(organiser)

    response = client.get(reverse("reports:report_detail", args=[past_event.pk]))

    assert response.status_code == 404


def test_report_preview_shows_a_draft_to_its_organiser(client, past_event, organiser):
    ReportFactory(event=past_event, status=Report.Status.DRAFT, title="Draft title")
    client.force_login(organiser)

    response = client.get(reverse("reports:report_preview", args=[past_event.pk]))

    assert response.status_code == 200
    assert response.context["report"].title == "Draft title"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("who", ["anonymous", "attendee", "other_organiser"])
def test_report_preview_is_404_to_everyone_else(client, past_event, who):
    ReportFactory(event=past_event, status=Report.Status.DRAFT)
    if who == "attendee":
        client.force_login(UserFactory())
    elif who == "other_organiser":
        other = UserFactory(is_staff=True)
        CommunityFactory(organisers=[other])
        client.force_login(other)

    response = client.get(reverse("reports:report_preview", args=[past_event.pk]))

    assert response.status_code == 404


def _fill(report, count):
    for _ in range(count):
        talk = TalkFactory(event=report.event, speakers=[SpeakerFactory(), SpeakerFactory()])
        TalkSummary.objects.create(report=report, talk=talk, summary="Good talk.")
        MaterialFactory(event=report.event, talk=talk, kind="video")
        MaterialFactory(event=report.event, submitted_by=UserFactory())


def test_report_detail_query_count_is_constant_for_1_and_20_talks(
    client, report, django_assert_num_queries
):
    url = reverse("reports:report_detail", args=[report.event_id])
    _fill(report, 1)
    with django_assert_num_queries(6):
        client.get(url)
    _fill(report, 19)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["talks"]) == 20


# -- Template tags on other apps' pages


def test_report_link_renders_only_for_a_published_report(past_event):
    template = Template("{% load reports %}{% report_link event %}")
    ReportFactory(event=past_event, status=Report.Status.DRAFT, title="Draft")
    assert template.render(Context({"event": past_event})) == ""

    Report.objects.filter(event=past_event).update(status=Report.Status.PUBLISHED)

    html = template.render(Context({"event": past_event}))
    assert f'href="/reports/{past_event.pk}/"' in html


def test_home_shows_recent_reports(client):
    ReportFactory(title="Recent one", event=EventFactory(**past(2)))

    response = client.get(reverse("home"))

    assert "Recent one" in response.content.decode()


# -- The back office


def test_admin_create_view_assembles_a_draft(client, past_event, organiser):
    TalkFactory(event=past_event)
    client.force_login(organiser)

    response = client.post(reverse("admin:reports_report_add"), {"event": past_event.pk})

    report = Report.objects.get(event=past_event)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_report_change", args=[report.pk])
    assert (report.status, report.talk_summaries.count()) == (Report.Status.DRAFT, 1)


def test_admin_create_view_offers_only_own_events(client, past_event, organiser):
    foreign = EventFactory(**past(3))
    client.force_login(organiser)

    response = client.post(reverse("admin:reports_report_add"), {"event": foreign.pk})

    assert response.status_code == 200
    assert Report.objects.count() == 0
    assert list(response.context["form"].fields["event"].queryset) == [past_event]


def test_admin_create_view_lists_only_events_that_have_ended(
    client, past_event, future_event, organiser
):
    client.force_login(organiser)

    response = client.get(reverse("admin:reports_report_add"))

    assert list(response.context["form"].fields["event"].queryset) == [past_event]


def test_admin_create_view_twice_opens_the_first_draft(client, past_event, organiser):
    client.force_login(organiser)
    client.post(reverse("admin:reports_report_add"), {"event": past_event.pk})

    # The second submission of the same form, once the event has its draft.
    response = client.post(
        reverse("admin:reports_report_create", args=[past_event.pk]), {"event": past_event.pk}
    )

    report = Report.objects.get(event=past_event)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_report_change", args=[report.pk])


def _change_data(report, **extra):
    summaries = list(report.talk_summaries.all())
    data = {
        "title": report.title,
        "lead": report.lead,
        "lead_en": "",
        "body": report.body,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "talk_summaries-TOTAL_FORMS": str(len(summaries)),
        "talk_summaries-INITIAL_FORMS": str(len(summaries)),
        "talk_summaries-MIN_NUM_FORMS": "0",
        "talk_summaries-MAX_NUM_FORMS": "1000",
    }
    for i, summary in enumerate(summaries):
        data[f"talk_summaries-{i}-id"] = str(summary.pk)
        data[f"talk_summaries-{i}-report"] = str(report.pk)
        data[f"talk_summaries-{i}-summary"] = "Written."
    return data | extra


def test_admin_save_and_publish_publishes(client, past_event, organiser):
    TalkFactory(event=past_event)
    report = publishing.create_draft(past_event, by=organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("admin:reports_report_change", args=[report.pk]),
        _change_data(report, title="Edited", _publish="1"),
    )

    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.title, report.status) == ("Edited", Report.Status.PUBLISHED)
    assert list(report.talk_summaries.values_list("summary", flat=True)) == ["Written."]


def test_admin_publish_of_a_future_event_shows_the_reason(client, future_event, organiser):
    report = ReportFactory(event=future_event, status=Report.Status.DRAFT, published_at=None)
    client.force_login(organiser)

    response = client.post(
        reverse("admin:reports_report_change", args=[report.pk]),
        _change_data(report, _publish="1"),
        follow=True,
    )

    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    assert "has not ended yet" in response.content.decode()


def test_admin_refuses_a_cover_that_is_not_an_image(client, past_event, organiser):
    report = publishing.create_draft(past_event, by=organiser)
    client.force_login(organiser)
    fake = SimpleUploadedFile("cover.png", b"not an image at all", content_type="image/png")

    response = client.post(
        reverse("admin:reports_report_change", args=[report.pk]),
        _change_data(report, cover=fake),
    )

    report.refresh_from_db()
    assert response.status_code == 200
    assert len(response.context["adminform"].form.errors["cover"]) == 1
    assert report.cover.name == ""


def test_admin_resizes_an_uploaded_cover(client, past_event, organiser, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    report = publishing.create_draft(past_event, by=organiser)
    client.force_login(organiser)
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), "white").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")

    client.post(
        reverse("admin:reports_report_change", args=[report.pk]),
        _change_data(report, cover=upload),
    )

    report.refresh_from_db()
    assert (report.cover.width, report.cover.height) == (1600, 800)


def test_admin_hides_reports_of_other_communities(client, past_event, organiser):
    other = ReportFactory(event=EventFactory(**past(3)))
    client.force_login(organiser)

    response = client.get(reverse("admin:reports_report_change", args=[other.pk]))

    assert response.status_code == 404


# -- Reports and talks joined both ways (issue 20)


def test_report_detail_links_talk_titles_and_speakers_to_their_pages(client, report):
    speaker = SpeakerFactory(name="Akihiro Suda")
    talk = TalkFactory(event=report.event, title="KubeCon EU", speakers=[speaker])

    html = client.get(reverse("reports:report_detail", args=[report.event_id])).text

    assert f'<h3><a href="{talk.get_absolute_url()}">KubeCon EU</a></h3>' in html
    assert f'<a href="{speaker.get_absolute_url()}">Akihiro Suda</a>' in html


def test_report_detail_tells_the_organisers_story_before_the_talks(client, report):
    TalkFactory(event=report.event, title="KubeCon EU")

    html = client.get(reverse("reports:report_detail", args=[report.event_id])).text

    assert html.index("It was great.") < html.index('id="talks-heading"')


def test_report_detail_names_a_material_author_by_display_name(client, report):
    author = UserFactory(nickname="hamako9999", display_name="濱田")
    MaterialFactory(event=report.event, title="My blog post", submitted_by=author)

    html = client.get(reverse("reports:report_detail", args=[report.event_id])).text

    assert "by 濱田" in html
    assert "hamako9999" not in html


def test_talk_page_shows_the_report_summary_and_links_to_the_report(client, report):
    talk = TalkFactory(event=report.event, title="KubeCon EU")
    TalkSummary.objects.create(report=report, talk=talk, summary="Four **topics**.")

    html = client.get(talk.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text

    assert "Four <strong>topics</strong>." in html
    assert f'href="{report.get_absolute_url()}#talk-{talk.pk}"' in html


def test_talk_page_of_a_draft_report_shows_no_summary(client, report):
    report.status = Report.Status.DRAFT
    report.save(update_fields=["status"])
    talk = TalkFactory(event=report.event, title="KubeCon EU")
    TalkSummary.objects.create(report=report, talk=talk, summary="Secret draft.")

    html = client.get(talk.get_absolute_url()).text

    assert "Secret draft." not in html
    assert report.get_absolute_url() not in html
