"""Finding 5: /admin/r/<content type>/<id>/ ("view on site") follows the back office's
community scoping: 404 for objects outside the organiser's communities."""

import pytest
from django.contrib.contenttypes.models import ContentType

from events.models import Event, Registration
from tests.factories import CommunityFactory, EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    organiser = UserFactory(is_staff=True)
    other_organiser = UserFactory(is_staff=True)
    community = CommunityFactory(organisers=[organiser])
    CommunityFactory(organisers=[other_organiser])
    draft = EventFactory(community=community, status=Event.Status.DRAFT)
    registration = RegistrationFactory(ticket_type__event=draft)
    return {
        "organiser": organiser,
        "other_organiser": other_organiser,
        "draft": draft,
        "registration": registration,
    }


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


@pytest.mark.parametrize("name", ["draft", "registration"])
def test_view_on_site_outside_the_organisers_communities_is_404(client, world, name):
    client.force_login(world["other_organiser"])
    response = client.get(shortcut(world[name]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["draft", "registration"])
def test_view_on_site_inside_the_organisers_communities_redirects(client, world, name):
    client.force_login(world["organiser"])
    response = client.get(shortcut(world[name]))
    assert response.status_code == 302
    assert response["Location"].endswith(world[name].get_absolute_url())


def test_view_on_site_of_an_unregistered_model_is_404(client, world):
    client.force_login(world["organiser"])
    content_type = ContentType.objects.get_for_model(Registration)
    assert client.get(f"/admin/r/{content_type.pk}/999999/").status_code == 404
    assert client.get("/admin/r/999999/1/").status_code == 404


def test_view_on_site_for_an_attendee_sends_to_sign_in(client, world):
    client.force_login(world["registration"].user)
    response = client.get(shortcut(world["registration"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
