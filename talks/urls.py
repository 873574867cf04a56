from django.urls import path

from . import views

app_name = "talks"

urlpatterns = [
    path("events/<int:event_id>/talks/<int:talk_id>/", views.talk_detail, name="talk_detail"),
    path("events/<int:event_id>/materials/", views.submit_material, name="submit_material"),
    path("speakers/<int:speaker_id>/", views.speaker_detail, name="speaker_detail"),
    path(
        "me/speakers/<int:speaker_id>/<str:action>/",
        views.speaker_link_view,
        name="speaker_link",
    ),
]
