"""URLs of notifications: calendar feeds, the one-event download, and the calendar pages."""

from django.urls import path

from notifications import channel_views
from notifications.ical import views
from notifications.sms import inbound, links, webhooks
from notifications.telegram import pages as telegram_pages
from notifications.telegram.webhook import telegram_webhook
from notifications.whatsapp.inbound import whatsapp_inbound

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
    # The signed-in member's own booking, from My bookings.
    path("calendar/bookings/<int:pk>.ics", views.booking_download, name="booking-ics"),
    # Short, signed: for SMS.
    path("ics/<str:token>/", views.ics_download, name="ics-download"),
    path("r/<str:token>/", links.registration_by_sms, name="registration-by-sms"),
    # Telegram from a confirmation, without an account: the chat then shares its number.
    path(
        "r/<str:token>/telegram/",
        telegram_pages.registration_by_sms_telegram,
        name="registration-by-sms-telegram",
    ),
    path(
        "registrations/<slug:key>/telegram/",
        telegram_pages.registration_telegram,
        name="registration-telegram",
    ),
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
    # Telegram's webhook (its secret-token header) and WhatsApp's (Twilio-signed).
    path("telegram/webhook", telegram_webhook, name="telegram-webhook"),
    path("whatsapp/inbound", whatsapp_inbound, name="whatsapp-inbound"),
    # Where a member links Telegram or WhatsApp, unlinks them, and chooses the first.
    path("profile/messages/", channel_views.profile_channels, name="channels"),
    path("profile/messages/telegram/", channel_views.telegram_link, name="telegram-link"),
    path("profile/messages/whatsapp/", channel_views.whatsapp_invite, name="whatsapp-invite"),
    path("profile/messages/prefer/", channel_views.channel_prefer, name="channel-prefer"),
    path("profile/messages/<str:channel>/off/", channel_views.channel_off, name="channel-off"),
]
