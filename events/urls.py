from django.urls import path  # noqa: F401

app_name = "events"

# Sections by capability; add routes with small edits inside your section.
urlpatterns = [
    # -- Events and registration (issue 3)
    # -- Lottery (issue 4)
    # -- Back office pages outside /admin/ (issue 6)
    # -- Calendars and feeds (issue 8)
]
