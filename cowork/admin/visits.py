"""Walk-in visits: counted at the door by the live page, the door tablet and its kiosk.

Hosts read their centres' walk-ins and correct what the visitor told (sex, age band);
network admins see every centre's. A visit is only ever counted by `walk_in_record`, which
keeps a tap and a phone to one visit and tells the live pages, so nothing is added here;
nor is one removed, since the live figures and past reports already count it. When, where,
how and whose it was stay as recorded: changing them would falsify the reports.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cowork.admin.local_time import InCentreTime, local_column
from cowork.admin.scoping import AddedAndRemovedElsewhere, ScopedToSpaces
from cowork.dates import local_datetime
from cowork.models import WalkIn

# What a host may correct; the rest is the record of the visit.
CORRECTABLE = ["gender", "age_band"]


@admin.register(WalkIn)
class WalkInAdmin(InCentreTime, AddedAndRemovedElsewhere, ScopedToSpaces, admin.ModelAdmin):
    list_display = ["space", "visited_at_local", "source", "returning", "gender", "age_band"]
    list_filter = ["source", "returning", "gender", "age_band", "space__country", "space"]
    date_hierarchy = "visited_at"
    list_select_related = ["space"]
    # The phone's fingerprint and the tap's key mean nothing to a reader.
    fields = [
        "space",
        "visited_at",
        "day",
        "source",
        "logged_by",
        "display",
        "returning",
        "member",
        "participant",
        *CORRECTABLE,
    ]
    readonly_fields = [name for name in fields if name not in CORRECTABLE]

    visited_at_local = local_column("visited_at", _("visited (centre's time)"))

    def object_in_centre_time(self, obj, space) -> str:
        return f"{space.name} · {local_datetime(obj.visited_at, space.zone)}"
