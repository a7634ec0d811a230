from django.urls import path

from cowork.web import views

app_name = "web"

urlpatterns = [
    path("book/", views.book_centres, name="book-centres"),
    path("centres/<slug:slug>/book/", views.booking_search, name="booking-search"),
    path(
        "centres/<slug:slug>/book/<int:resource_id>/",
        views.booking_confirm,
        name="booking-confirm",
    ),
    path("bookings/", views.my_bookings, name="my-bookings"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="booking-cancel"),
    path("bookings/<int:pk>/check-in/", views.check_in, name="booking-check-in"),
    path("bookings/<int:pk>/check-out/", views.check_out, name="booking-check-out"),
    path("calendar/", views.calendars, name="calendars"),
    path("centres/<slug:slug>/calendar/", views.host_calendar, name="host-calendar"),
    path("centres/<slug:slug>/calendar/<int:pk>/approve/", views.approve, name="booking-approve"),
    path("centres/<slug:slug>/calendar/<int:pk>/decline/", views.decline, name="booking-decline"),
    path("centres/<slug:slug>/qr-codes/", views.qr_codes, name="qr-codes"),
    path("r/<int:resource_id>/check-in/", views.qr_check_in, name="qr-check-in"),
]
