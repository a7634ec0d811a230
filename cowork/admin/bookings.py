"""Bookings, their series and the outbox: history the admin shows and never changes.

Changes go through the booking pages and API, whose services check the rules and record
events; the relay alone marks outbox rows published.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cowork.admin.local_time import InCentreTime, local_column
from cowork.admin.scoping import NetworkAdminOnly, ReadOnly, ScopedToSpaces
from cowork.dates import local_datetime, local_time
from cowork.models import Booking, DomainEvent, Series


@admin.register(Booking)
class BookingAdmin(InCentreTime, ReadOnly, ScopedToSpaces, admin.ModelAdmin):
    list_display = [
        "resource",
        "space",
        "booked_by",
        "starts_at_local",
        "ends_at_local",
        "status",
        "price",
    ]
    list_filter = ["status", "resource__kind", "space__country", "space"]
    search_fields = ["resource__name", "booked_by__username", "booked_by__last_name", "purpose"]
    date_hierarchy = "starts_at"
    # A resource names its space (Resource.__str__): joined, or a query a row.
    list_select_related = ["resource__space", "space", "booked_by"]
    readonly_fields = [field.name for field in Booking._meta.fields]

    starts_at_local = local_column("starts_at", _("starts (centre's time)"))
    ends_at_local = local_column("ends_at", _("ends (centre's time)"))

    def object_in_centre_time(self, obj, space) -> str:
        # str(booking) names its UTC times, which is what the heading used to show.
        starts = local_datetime(obj.starts_at, space.zone)
        return f"{obj.resource} {starts}–{local_time(obj.ends_at, space.zone)}"


@admin.register(Series)
class SeriesAdmin(InCentreTime, ReadOnly, ScopedToSpaces, admin.ModelAdmin):
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
    # The space may be empty, and Django joins only the relations that may not.
    list_select_related = ["space"]
    readonly_fields = [field.name for field in DomainEvent._meta.fields]
