"""URLs of notifications: calendar feeds, the one-event download, and the calendar pages."""

from django.urls import path

from notifications.ical import views
from notifications.sms import inbound, webhooks

app_name = "notifications"

urlpatterns = [
    # Private: the key is the secret; it is kept only hashed.
    path("calendar/feed/<slug:key>.ics", views.member_feed, name="member-feed"),
    # Public, stable URLs.
    path(
        "calendar/centres/<slug:slug>/programme.ics",
        views.programme_feed,
        name="programme-feed",
    ),
    path("calendar/events/<int:pk>.ics", views.event_feed, name="event-feed"),
    path("calendar/rooms/<int:pk>.ics", views.room_feed, name="room-feed"),
    # Short, signed: for SMS.
    path("ics/<str:token>/", views.ics_download, name="ics-download"),
    path("profile/calendar/", views.profile_calendar, name="profile-calendar"),
    path(
        "profile/calendar/new-link/",
        views.profile_calendar_rotate,
        name="profile-calendar-rotate",
    ),
    path(
        "profile/calendar/revoke/",
        views.profile_calendar_revoke,
        name="profile-calendar-revoke",
    ),
    path("centres/<slug:slug>/programme/", views.programme_page, name="programme"),
    # Twilio's webhooks, signed with the auth token.
    path("sms/status", webhooks.sms_status, name="sms-status"),
    path("sms/inbound", inbound.sms_inbound, name="sms-inbound"),
]
