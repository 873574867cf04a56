import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from talks import materials
from talks.models import Material, Talk
from tests.factories import (
    EventFactory,
    MaterialFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)
from tests.talks.conftest import register

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _fill(event, n):
    """n talks with a speaker each, n approved materials (half blog posts), n pending ones."""
    for i in range(n):
        TalkFactory(
            event=event,
            speakers=[SpeakerFactory()],
            video_url=f"https://www.youtube.com/watch?v=abcdefghi{i:02d}",
        )
        MaterialFactory(
            event=event,
            kind=Material.Kind.BLOG if i % 2 else Material.Kind.SLIDES,
            submitted_by=UserFactory(),
        )
        MaterialFactory(event=event, approved=False)


# -- The event page's programme and materials -----------------------------------------


def test_event_page_shows_programme_in_order_with_speakers_and_slides(client, started_event):
    speaker = SpeakerFactory(name="Akihiro Suda", affiliation="NTT")
    TalkFactory(event=started_event, title="Second", position=2, kind=Talk.Kind.LIGHTNING)
    TalkFactory(
        event=started_event,
        title="First",
        position=1,
        speakers=[speaker],
        slides_url="https://speakerdeck.com/akihirosuda/kubecon",
    )

    response = client.get(started_event.get_absolute_url(), **EN)

    html = response.text
    assert response.status_code == 200
    assert html.index("First") < html.index("Second")
    assert "Akihiro Suda" in html
    assert "· NTT" in html
    assert "Lightning talk" in html
    assert 'href="https://speakerdeck.com/akihirosuda/kubecon"' in html
    assert "Speaker Deck" in html


def test_event_page_programme_shows_times_in_event_timezone(client):
    start = dt.datetime(2018, 6, 7, 10, 0, tzinfo=dt.UTC)  # 19:00 in Tokyo
    event = EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    TalkFactory(event=event, starts_at=start + dt.timedelta(minutes=10), duration_minutes=30)

    response = client.get(event.get_absolute_url(), **EN)

    assert '<time datetime="2018-06-07T19:10:00+09:00">19:10</time>' in response.text
    assert "30 min" in response.text


def test_event_page_materials_and_reports_newest_first_with_author(client, started_event):
    author = UserFactory(display_name="濱田")
    old = MaterialFactory(event=started_event, title="Older report", submitted_by=author)
    MaterialFactory(event=started_event, title="Newer report", submitted_by=author)
    Material.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    MaterialFactory(event=started_event, title="The slides", kind=Material.Kind.SLIDES)
    MaterialFactory(event=started_event, title="Not yet approved", approved=False)

    html = client.get(started_event.get_absolute_url(), **EN).text

    reports = html[html.index("Reports by participants") :]
    assert reports.index("Newer report") < reports.index("Older report")
    assert "By 濱田" in reports
    assert html.index("The slides") < html.index("Reports by participants")
    assert "Not yet approved" not in html


def test_event_page_query_count_is_constant_in_talks_and_materials(
    client, started_event, django_assert_num_queries
):
    small = started_event
    large = EventFactory(starts_at=small.starts_at, ends_at=small.ends_at)
    _fill(small, 1)
    _fill(large, 30)
    client.get(small.get_absolute_url())  # warm up sessions, content types

    with django_assert_num_queries(_count(client, small.get_absolute_url())):
        response = client.get(large.get_absolute_url())

    assert response.text.count('class="programme-item"') == 30


def test_event_page_query_count_is_constant_for_participant(
    client, started_event, participant, django_assert_num_queries
):
    large = EventFactory(starts_at=started_event.starts_at, ends_at=started_event.ends_at)
    large_participant = register(large).user
    _fill(started_event, 1)
    _fill(large, 30)
    client.force_login(participant)
    expected = _count(client, started_event.get_absolute_url())
    client.force_login(large_participant)

    with django_assert_num_queries(expected):
        client.get(large.get_absolute_url())


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_programme_tag_uses_three_queries_whatever_the_number_of_talks(
    started_event, django_assert_num_queries
):
    _fill(started_event, 30)
    template = Template("{% load talks %}{% programme event %}")

    with django_assert_num_queries(3):
        html = template.render(Context({"event": started_event}))

    assert html.count('class="programme-item"') == 30


def test_event_materials_tag_uses_one_query_for_a_reader(started_event, django_assert_num_queries):
    _fill(started_event, 30)
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    template = Template("{% load talks %}{% event_materials event %}")

    with django_assert_num_queries(1):
        html = template.render(Context({"event": started_event, "request": request}))

    assert html.count('class="link-card ') == 30


def test_event_page_offers_share_form_to_participant_after_start(
    client, started_event, participant
):
    client.force_login(participant)

    html = client.get(started_event.get_absolute_url(), **EN).text

    assert "Share a link" in html
    assert f'action="{reverse("talks:submit_material", args=[started_event.pk])}"' in html


def test_event_page_hides_share_form_from_non_participant(client, started_event):
    client.force_login(UserFactory())

    assert "Share a link" not in client.get(started_event.get_absolute_url(), **EN).text


def test_event_page_hides_share_form_before_the_event(client):
    event = EventFactory()
    client.force_login(register(event).user)

    assert "Share a link" not in client.get(event.get_absolute_url(), **EN).text


def test_event_page_embed_is_click_to_load_with_no_third_party_frame(client, started_event):
    TalkFactory(event=started_event, video_url="https://youtu.be/dQw4w9WgXcQ")

    html = client.get(started_event.get_absolute_url(), **EN).text

    assert "<iframe" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'href="https://youtu.be/dQw4w9WgXcQ"' in html
    assert "/static/js/embed.js" in html


# -- Talk page ------------------------------------------------------------------------


def test_talk_page_shows_abstract_speakers_and_materials(client, started_event):
    speaker = SpeakerFactory(name="Chie Hayashida", affiliation="Cookpad")
    talk = TalkFactory(
        event=started_event, title="機械学習デプロイ", abstract="**Bold** idea", speakers=[speaker]
    )
    MaterialFactory(event=started_event, talk=talk, title="Recording", kind="video")
    MaterialFactory(event=started_event, talk=talk, title="Hidden", approved=False)

    response = client.get(talk.get_absolute_url(), **EN)

    assert response.status_code == 200
    assert '<h1><span class="phrases">機械学習デプロイ</span></h1>' in response.text
    assert "<strong>Bold</strong> idea" in response.text
    assert "Chie Hayashida" in response.text
    assert "Cookpad" in response.text
    assert "Recording" in response.text
    assert "Hidden" not in response.text


def test_talk_page_sanitises_abstract(client, started_event):
    talk = TalkFactory(
        event=started_event,
        abstract='<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror="alert(3)">',
    )

    html = client.get(talk.get_absolute_url()).text

    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_talk_page_of_other_event_is_404(client, started_event):
    talk = TalkFactory()

    response = client.get(reverse("talks:talk_detail", args=[started_event.pk, talk.pk]))

    assert response.status_code == 404


def test_talk_page_of_draft_event_is_404(client):
    talk = TalkFactory(event__status=Event.Status.DRAFT)

    assert client.get(talk.get_absolute_url()).status_code == 404


def test_talk_page_query_count_is_constant(client, started_event, django_assert_num_queries):
    small = TalkFactory(event=started_event, speakers=[SpeakerFactory()])
    large = TalkFactory(event=started_event, speakers=SpeakerFactory.create_batch(5))
    MaterialFactory(event=started_event, talk=small, submitted_by=UserFactory())
    for _ in range(30):
        MaterialFactory(event=started_event, talk=large, submitted_by=UserFactory())
    expected = _count(client, small.get_absolute_url())

    with django_assert_num_queries(expected):
        client.get(large.get_absolute_url())


# -- Speaker page ---------------------------------------------------------------------


def test_speaker_page_lists_talks_across_public_events(client):
    speaker = SpeakerFactory(name="Masaya Aoyama")
    TalkFactory(title="Capability", speakers=[speaker])
    TalkFactory(title="Privilege", speakers=[speaker])
    TalkFactory(title="Secret draft", speakers=[speaker], event__status=Event.Status.DRAFT)

    response = client.get(reverse("talks:speaker_detail", args=[speaker.pk]), **EN)

    assert response.status_code == 200
    assert "Capability" in response.text
    assert "Privilege" in response.text
    assert "Secret draft" not in response.text


def test_speaker_page_query_count_is_constant(client, django_assert_num_queries):
    small, large = SpeakerFactory(), SpeakerFactory()
    TalkFactory(speakers=[small, SpeakerFactory()])
    for _ in range(20):
        TalkFactory(speakers=[large, SpeakerFactory()])
    expected = _count(client, reverse("talks:speaker_detail", args=[small.pk]))

    with django_assert_num_queries(expected):
        client.get(reverse("talks:speaker_detail", args=[large.pk]))


# -- Submitting a material --------------------------------------------------------------


def _post(client, event, htmx=False, **data):
    values = {"kind": "blog", "url": "https://blog.example.com/report", "title": "My report"}
    values.update(data)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("talks:submit_material", args=[event.pk]), values, **headers, **EN)


def test_submit_view_stores_and_redirects_with_message(client, started_event, participant):
    client.force_login(participant)

    response = _post(client, started_event, follow=False)

    assert response.status_code == 302
    assert response.url == started_event.get_absolute_url()
    assert Material.objects.get().submitted_by == participant
    followed = client.get(response.url, **EN)
    assert "Thank you! Your link will appear here once an organiser approves it." in followed.text


def test_submit_view_htmx_returns_form_partial_with_notice(client, started_event, participant):
    client.force_login(participant)

    response = _post(client, started_event, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="card material-form" id="material-form">')
    assert "Thank you! Your link will appear here once an organiser approves it." in response.text
    assert "Waiting for approval" in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"url": "javascript:alert(1)"},
            "Only web links starting with http:// or https:// are accepted.",
        ),
        ({"url": "data:text/html,<b>x</b>"}, "Only web links starting with http:// or https://"),
        ({"url": "file:///etc/passwd"}, "Only web links starting with http:// or https://"),
        ({"title": "x" * 5000}, "Ensure this value has at most 200 characters (it has 5000)."),
        ({"title": ""}, "This field is required."),
        ({"kind": "evil"}, "Select a valid choice. evil is not one of the available choices."),
    ],
)
def test_submit_view_htmx_bad_input_shows_error_and_stores_nothing(
    client, started_event, participant, data, message
):
    client.force_login(participant)

    response = _post(client, started_event, htmx=True, **data)

    assert message in response.text
    assert Material.objects.count() == 0


def test_submit_view_duplicate_is_refused_in_place(client, started_event, participant):
    MaterialFactory(event=started_event, url="https://blog.example.com/report")
    client.force_login(participant)

    response = _post(client, started_event, htmx=True)

    assert "This link has already been shared for this event." in response.text
    assert Material.objects.count() == 1


def test_submit_view_non_participant_gets_message_and_nothing_stored(client, started_event):
    client.force_login(UserFactory())

    response = _post(client, started_event)
    followed = client.get(response.url, **EN)

    assert "Only participants of this event can share links." in followed.text
    assert Material.objects.count() == 0


def test_submit_view_before_the_event_is_refused(client):
    event = EventFactory()
    client.force_login(register(event).user)

    response = _post(client, event)

    assert Material.objects.count() == 0
    assert "Links can be shared once the event has started." in client.get(response.url, **EN).text


def test_submit_view_anonymous_is_sent_to_login(client, started_event):
    response = _post(client, started_event)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={started_event.get_absolute_url()}"
    assert Material.objects.count() == 0


def test_submit_view_refuses_get(client, started_event):
    response = client.get(reverse("talks:submit_material", args=[started_event.pk]))

    assert response.status_code == 405


def test_submit_view_draft_event_is_404(client, participant, started_event):
    Event.objects.filter(pk=started_event.pk).update(status=Event.Status.DRAFT)
    client.force_login(participant)

    assert _post(client, started_event).status_code == 404


def test_submit_view_rate_limit_message(client, started_event, participant, monkeypatch):
    monkeypatch.setattr(materials, "RATE_LIMIT", 1)
    client.force_login(participant)
    _post(client, started_event, htmx=True, url="https://blog.example.com/1")

    response = _post(client, started_event, htmx=True, url="https://blog.example.com/2")

    assert "You have shared many links in a short time." in response.text
    assert Material.objects.count() == 1


# -- Profile -----------------------------------------------------------------------------


def test_profile_lists_the_speakers_own_talks(client):
    user = UserFactory()
    speaker = SpeakerFactory(user=user, name="makocchi")
    TalkFactory(title="gVisor network benchmark", speakers=[speaker])
    client.force_login(user)

    html = client.get(reverse("accounts:profile"), **EN).text

    assert "Your talks" in html
    assert "gVisor network benchmark" in html
    assert reverse("talks:speaker_detail", args=[speaker.pk]) in html


def test_profile_without_talks_shows_no_talk_section(client):
    client.force_login(UserFactory())

    assert "Your talks" not in client.get(reverse("accounts:profile"), **EN).text


def test_stored_javascript_url_is_never_rendered_as_link(client, started_event):
    # Written around the validators (a shell, a bulk import): the page still links nothing.
    Material.objects.create(
        event=started_event, kind="blog", url="javascript:alert(1)", title="Sneaky", approved=True
    )
    TalkFactory(event=started_event, slides_url="javascript:alert(2)")

    html = client.get(started_event.get_absolute_url(), **EN).text

    assert "Sneaky" in html
    assert "javascript:" not in html
