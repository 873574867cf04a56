from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from accounts import views as accounts_views
from api import views_keys
from reports.feeds import CommunityReportsFeed, LatestReportsFeed

from . import admin_views, media, views

# The back office's header and title are set in events/admin.py ("Meetup back office").

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("lang/<str:code>/", views.switch_language, name="switch_language"),
    # Before the admin's own: its log-in goes through allauth, "view on site" is scoped.
    path("admin/login/", admin_views.admin_login, name="admin_login"),
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_views.view_on_site),
        name="admin_view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("feeds/reports.atom", LatestReportsFeed(), name="reports_feed"),
    path(
        "communities/<slug:slug>/reports.atom",
        CommunityReportsFeed(),
        name="community_reports_feed",
    ),
    path("accounts/delete/", views.delete_account, name="delete_account"),
    path("accounts/api-keys/", views_keys.key_list, name="api_keys"),
    path("accounts/api-keys/<int:pk>/revoke/", views_keys.key_revoke, name="api_key_revoke"),
    path("users/<str:nickname>/", accounts_views.public_profile, name="user_profile"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("events.urls")),
    path("", include("talks.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
]

if settings.MEETUP_SERVE_MEDIA:
    # Local uploads without a CDN: served by the app, in production too (meetup/media.py).
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", media.serve_media, name="media"))

handler404 = "meetup.errors.not_found"
handler403 = "meetup.errors.forbidden"
handler500 = "meetup.errors.server_error"
