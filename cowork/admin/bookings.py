"""Bookings, their series and the outbox: history the admin shows and never changes.

Changes go through the booking pages and API, whose services check the rules and record
events; the relay alone marks outbox rows published.
"""

from django.contrib import admin

from cowork.admin.scoping import NetworkAdminOnly, ReadOnly, ScopedToSpaces
from cowork.models import Booking, DomainEvent, Series


@admin.register(Booking)
class BookingAdmin(ReadOnly, ScopedToSpaces, admin.ModelAdmin):
    list_display = ["resource", "space", "booked_by", "starts_at", "ends_at", "status", "price"]
    list_filter = ["status", "resource__kind", "space__country", "space"]
    search_fields = ["resource__name", "booked_by__username", "booked_by__last_name", "purpose"]
    date_hierarchy = "starts_at"
    list_select_related = ["resource", "space", "booked_by"]
    readonly_fields = [field.name for field in Booking._meta.fields]


@admin.register(Series)
class SeriesAdmin(ReadOnly, ScopedToSpaces, admin.ModelAdmin):
    space_path = "resource__space"
    list_display = ["resource", "rrule", "booked_by", "created_at"]
    readonly_fields = [field.name for field in Series._meta.fields]


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnly, NetworkAdminOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "aggregate_type",
        "aggregate_id",
        "space",
        "created_at",
        "published_at",
    ]
    list_filter = ["kind", "aggregate_type"]
    readonly_fields = [field.name for field in DomainEvent._meta.fields]
