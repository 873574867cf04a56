"""The site's URLs plus /bench/bare/: a view that does nothing, behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from meetup.urls import handler404, handler500  # noqa: F401
from meetup.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
