from django.urls import path

from events import views, views_community, views_lottery, views_me
from events.backoffice import views_checkin
from events.syndication import calendars
from events.syndication.feeds import CommunityEventsFeed, EventsFeed

app_name = "events"

urlpatterns = [
    # -- Events and registration
    path("events/", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/apply/", views.apply_view, name="apply"),
    path("me/", views_me.me, name="me"),
    path("me/registrations/<str:receipt>/", views_me.receipt, name="receipt"),
    path("me/registrations/<str:receipt>/cancel/", views.cancel_view, name="cancel"),
    path("me/registrations/<str:receipt>/answers/", views_me.answers_view, name="answers"),
    path("communities/<slug:slug>/", views_community.community_detail, name="community_detail"),
    path(
        "communities/<slug:slug>/<str:action>/",
        views_community.community_membership,
        name="community_membership",
    ),
    path("unsubscribe/<str:token>/", views_community.unsubscribe, name="unsubscribe"),
    # -- Lottery
    path("events/<int:event_id>/lottery/", views_lottery.lottery_page, name="lottery"),
    path("events/<int:event_id>/lottery.json", views_lottery.lottery_json, name="lottery_json"),
    path("events/<int:event_id>/reconfirm/", views.reconfirm, name="reconfirm"),
    # -- Check-in
    path("checkin/<str:token>/", views_checkin.checkin_by_token, name="checkin"),
    path(
        "events/<int:event_id>/self-checkin/",
        views.self_checkin,
        name="self_checkin",
    ),
    # -- Calendars and feeds
    path("events/<int:event_id>/calendar.ics", calendars.event_calendar, name="event_calendar"),
    path(
        "communities/<slug:slug>/calendar.ics",
        calendars.community_calendar,
        name="community_calendar",
    ),
    path("communities/<slug:slug>/events.atom", CommunityEventsFeed(), name="community_feed"),
    path("calendar/<str:token>.ics", calendars.private_calendar, name="private_calendar"),
    path("me/calendar/", calendars.my_calendar, name="my_calendar"),
    path("feeds/events.atom", EventsFeed(), name="events_feed"),
]
