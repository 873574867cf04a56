import io

import pytest
from django.core.management import call_command

from accounts.models import User
from events.models import Community, Event, TicketType


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Event.objects.count(), TicketType.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Event.objects.count(), TicketType.objects.count()) == counts


@pytest.mark.django_db
def test_seed_demo_loads_docker_meetup_tokyo_23():
    call_command("seed_demo", stdout=io.StringIO())
    community = Community.objects.get(slug="docker-tokyo")
    event = Event.objects.get(community=community, number=23)
    assert event.title == "Docker Meetup Tokyo #23"
    assert community.organisers.filter(email="organiser@example.com").exists()
    general = event.ticket_types.get(allocation=TicketType.Allocation.LOTTERY)
    assert general.capacity == 95
