from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:event_id>/", views.report_detail, name="report_detail"),
    path("<int:event_id>/preview/", views.report_preview, name="report_preview"),
]
