from django.urls import path, re_path

from . import views
from .api import api

# No app namespace: ninja reverses its own namespace ("api_v2") from the root.

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = views.json_errors(_pattern.callback)

urlpatterns = [
    path("v2/docs/", views.docs, name="api_docs"),
    path("v2/", views.index, name="api_index"),
    path("v2/", (_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="api_not_found"),
]
