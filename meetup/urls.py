from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import views

admin.site.site_header = "Meetup"
admin.site.site_title = "Meetup"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/delete/", views.delete_account, name="delete_account"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("events.urls")),
    path("", include("talks.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "meetup.errors.not_found"
handler403 = "meetup.errors.forbidden"
handler500 = "meetup.errors.server_error"
