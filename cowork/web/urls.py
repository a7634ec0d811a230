from django.urls import include, path, re_path

from cowork.web import events, inbox, reports
from cowork.web.booking import find, host, mine, rental, waits
from cowork.web.live import displays, occupancy, visitors
from cowork.web.manage import urls as manage_urls
from cowork.web.offline import keep_offline

app_name = "web"

urlpatterns = [
    path("book/", find.book_centres, name="book-centres"),
    path("centres/<slug:slug>/book/", find.booking_search, name="booking-search"),
    path(
        "centres/<slug:slug>/book/<int:resource_id>/",
        find.booking_confirm,
        name="booking-confirm",
    ),
    path("bookings/", keep_offline(mine.my_bookings, personal=True), name="my-bookings"),
    path("bookings/<int:pk>/cancel/", mine.cancel, name="booking-cancel"),
    path("bookings/<int:pk>/check-in/", mine.check_in, name="booking-check-in"),
    path("bookings/<int:pk>/check-out/", mine.check_out, name="booking-check-out"),
    # A ticket is wanted at the door, where the mobile data may not be.
    path(
        "bookings/<int:pk>/ticket/", keep_offline(mine.ticket, personal=True), name="booking-ticket"
    ),
    path("centres/<slug:slug>/wait/", waits.wait_join, name="wait-join"),
    path("bookings/waits/<int:pk>/leave/", waits.wait_leave, name="wait-leave"),
    path("w/<slug:key>/", waits.wait_offer, name="wait-offer"),
    path("calendar/", host.calendars, name="calendars"),
    path("centres/<slug:slug>/calendar/", host.host_calendar, name="host-calendar"),
    path("centres/<slug:slug>/calendar/<int:pk>/approve/", host.approve, name="booking-approve"),
    path("centres/<slug:slug>/calendar/<int:pk>/decline/", host.decline, name="booking-decline"),
    path("centres/<slug:slug>/qr-codes/", host.qr_codes, name="qr-codes"),
    path("centres/<slug:slug>/rentals/<int:pk>/", rental.rental, name="rental"),
    path("centres/<slug:slug>/rentals/<int:pk>/quote/", rental.quote, name="rental-quote"),
    path(
        "centres/<slug:slug>/rentals/<int:pk>/invoice/", rental.issue_invoice, name="rental-issue"
    ),
    path("centres/<slug:slug>/rentals/<int:pk>/invoice.pdf", rental.invoice, name="rental-invoice"),
    path("centres/<slug:slug>/rentals/<int:pk>/paid/", rental.mark_paid, name="rental-paid"),
    path("centres/<slug:slug>/rentals/<int:pk>/unpaid/", rental.mark_unpaid, name="rental-unpaid"),
    # What waits for a host's decision, at every centre they manage
    path("inbox/", inbox.inbox, name="inbox"),
    re_path(
        r"^inbox/bookings/(?P<pk>[0-9]+)/(?P<verdict>approve|decline)/$",
        inbox.booking_decide,
        name="inbox-booking",
    ),
    re_path(
        r"^inbox/registrations/(?P<pk>[0-9]+)/(?P<verdict>approve|decline)/$",
        inbox.registration_decide,
        name="inbox-registration",
    ),
    re_path(
        r"^inbox/members/(?P<pk>[0-9]+)/(?P<verdict>approve|decline)/$",
        inbox.membership_decide_view,
        name="inbox-membership",
    ),
    path("r/<int:resource_id>/check-in/", mine.qr_check_in, name="qr-check-in"),
    path("live/", occupancy.live_centres, name="live-centres"),
    path("centres/<slug:slug>/live/", occupancy.live_dashboard, name="live-dashboard"),
    path("centres/<slug:slug>/occupancy.json", occupancy.occupancy_json, name="occupancy-json"),
    path("centres/<slug:slug>/displays/", displays.displays, name="displays"),
    path(
        "centres/<slug:slug>/displays/<int:pk>/revoke/",
        displays.display_revoke,
        name="display-revoke",
    ),
    path("displays/<slug:key>/", displays.display, name="display"),
    path("centres/<slug:slug>/live/visitor/", visitors.live_visitor, name="live-visitor"),
    path("displays/<slug:key>/visitor/", visitors.tablet_visitor, name="tablet-visitor"),
    path("displays/<slug:key>/sign-in/", visitors.door_kiosk, name="door-kiosk"),
    path("network/live/", occupancy.network_live, name="network-live"),
    path("network/occupancy.json", occupancy.network_json, name="network-json"),
    # Events
    path("events/", events.event_index, name="events"),
    path("centres/<slug:slug>/events/", events.event_list, name="event-list"),
    path("centres/<slug:slug>/events/new/", events.event_new, name="event-new"),
    path("events/<int:pk>/", events.event_public, name="event"),
    path("events/<int:pk>/check-in/", events.event_check_in, name="event-check-in"),
    path("events/<int:pk>/qr/", events.event_qr, name="event-qr"),
    path("events/<int:pk>/manage/", events.event_manage, name="event-manage"),
    path("events/<int:pk>/manage/cancel/", events.event_cancel_view, name="event-cancel"),
    path(
        "events/<int:pk>/manage/register/",
        events.register_on_behalf,
        name="event-register-on-behalf",
    ),
    path(
        "events/<int:pk>/manage/registrations/<int:registration_id>/approve/",
        events.registration_approve_view,
        name="registration-approve",
    ),
    path(
        "events/<int:pk>/manage/registrations/<int:registration_id>/cancel/",
        events.registration_cancel_by_host,
        name="registration-cancel-by-host",
    ),
    path("events/<int:pk>/manage/attendance/", events.attendance, name="event-attendance"),
    path("events/<int:pk>/manage/sign-in-sheet/", events.sign_in_sheet, name="sign-in-sheet"),
    path(
        "events/<int:pk>/manage/attendance/present/",
        events.attendance_toggle,
        name="attendance-toggle",
    ),
    path(
        "events/<int:pk>/manage/attendance/walk-in/",
        events.attendance_walk_in,
        name="attendance-walk-in",
    ),
    path(
        "registrations/<slug:key>/",
        keep_offline(events.registration_page, personal=True),
        name="registration",
    ),
    path(
        "registrations/<slug:key>/check-in/",
        events.registration_check_in,
        name="registration-check-in",
    ),
    path(
        "registrations/<slug:key>/cancel/",
        events.registration_cancel_page,
        name="registration-cancel",
    ),
    # Reports
    path("reports/", reports.report_page, name="reports"),
    path("reports/export.csv", reports.report_csv, name="report-csv"),
    path("reports/export.xlsx", reports.report_xlsx, name="report-xlsx"),
    path("reports/iati.xml", reports.report_iati, name="report-iati"),
    path("reports/indicators.csv", reports.report_indicators_csv, name="report-indicators"),
    # Profile and personal data
    path("", include("cowork.web.profile.urls")),
]

# Centre management
urlpatterns += manage_urls.urlpatterns
