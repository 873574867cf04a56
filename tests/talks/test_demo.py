import io

import pytest
from django.core.management import call_command

from events.models import Event
from talks.models import Material, Speaker, Talk
from talks.providers import recognise

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_eight_talks_of_23_once():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    event = Event.objects.get(community__slug="docker-tokyo", number=23)
    talks = list(event.talks.order_by("position"))
    assert [t.kind for t in talks] == [Talk.Kind.SESSION] * 3 + [Talk.Kind.LIGHTNING] * 5
    assert talks[1].title == "機械学習デプロイを支えるコンテナ技術"
    assert [ts.speaker.name for ts in talks[2].talk_speakers.all()] == ["Akihiro Suda"]
    assert talks[2].speakers.get().affiliation == "NTT"
    assert {recognise(t.slides_url).provider for t in talks} == {"speakerdeck", "slideshare"}
    assert Speaker.objects.count() == 8


def test_seed_demo_loads_two_approved_blog_reports_one_by_hamako9999():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    reports = Material.objects.filter(kind=Material.Kind.BLOG, approved=True)
    assert reports.count() == 2
    hamako = reports.get(submitted_by__nickname="hamako9999")
    assert hamako.title == "Docker漬けの一日を共に〜Docker Meetup Tokyo #23 レポート〜 #dockertokyo"
