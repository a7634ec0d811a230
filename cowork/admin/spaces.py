"""Centres and what they offer: organizations, spaces with their hours, closures, prices
and roles, resources, room displays."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cowork.admin.scoping import (
    AddedAndChangedElsewhere,
    InlineOfScopedParent,
    NetworkAdminOnly,
    ScopedLookups,
    ScopedToSpaces,
    manages_an_organization,
)
from cowork.models import (
    Closure,
    DisplayToken,
    OpeningHours,
    Organization,
    Resource,
    ServicePrice,
    Space,
    SpaceRole,
)
from cowork.selectors.access import organizations_managed_by


class RowsOfTheSpace(InlineOfScopedParent, admin.TabularInline):
    """The space's rows on its page, with no blank rows offered beyond the "add" link;
    whoever manages the space edits them."""

    extra = 0


class OpeningHoursInline(RowsOfTheSpace):
    model = OpeningHours


class ClosureInline(RowsOfTheSpace):
    model = Closure


class ServicePriceInline(RowsOfTheSpace):
    model = ServicePrice


class SpaceRoleInline(RowsOfTheSpace):
    model = SpaceRole
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(ScopedLookups, admin.ModelAdmin):
    """Hosts read their own organization; organizations are the network admins' to make,
    rename and remove."""

    list_display = ["name", "country", "is_partner", "space_count"]
    list_filter = ["country", "is_partner"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            organizations_managed_by(user=request.user)
            .annotate(space_total=Count("spaces"))
            .order_by("name")
        )

    @admin.display(description=_("spaces"), ordering="space_total")
    def space_count(self, obj):
        return obj.space_total

    def has_module_permission(self, request):
        return manages_an_organization(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return manages_an_organization(request)
        return organizations_managed_by(user=request.user).filter(pk=obj.pk).exists()

    has_add_permission = has_change_permission = has_delete_permission = (
        NetworkAdminOnly.has_view_permission
    )


@admin.register(Space)
class SpaceAdmin(ScopedToSpaces, admin.ModelAdmin):
    space_path = ""
    list_display = ["name", "city", "country", "organization", "time_zone", "safety_capacity"]
    list_filter = ["country", "organization", "is_active"]
    search_fields = ["name", "city", "region", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline, ServicePriceInline, SpaceRoleInline]
    fieldsets = [
        (None, {"fields": ["organization", "name", "slug", "is_active"]}),
        (_("Place"), {"fields": ["city", "region", "country", "address", "time_zone"]}),
        (
            _("Visitors"),
            {
                "fields": [
                    "languages",
                    "safety_capacity",
                    "accessibility",
                    "contact_phone",
                    "phone_countries",
                ]
            },
        ),
        (
            _("SMS"),
            {
                "fields": [
                    "sms_sender_id",
                    "sms_messaging_service_sid",
                    "sms_monthly_budget_usd",
                    "sms_transliterate",
                    "sms_unverified_daily_limit",
                    "sms_reminders",
                    ("sms_quiet_from", "sms_quiet_until"),
                ]
            },
        ),
        (
            _("Prices and floor plan"),
            {"fields": ["currency", "floor_plan_width", "floor_plan_height"]},
        ),
    ]

    # A new centre, or one closed for good, is the network admins' call.
    has_add_permission = has_delete_permission = NetworkAdminOnly.has_view_permission


@admin.register(Resource)
class ResourceAdmin(ScopedToSpaces, admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "space",
        "capacity",
        "accessible",
        "needs_approval",
        "out_of_service",
    ]
    list_filter = [
        "kind",
        "accessible",
        "needs_approval",
        "out_of_service",
        "space__country",
        "space",
    ]
    search_fields = ["name", "description", "space__name", "space__city"]
    list_select_related = ["space"]
    fieldsets = [
        (None, {"fields": ["space", "kind", "name", "description", "capacity"]}),
        (
            _("What it offers"),
            {
                "fields": [
                    "equipment",
                    "attributes",
                    "equipment_type",
                    "bookable_alone",
                    "accessible",
                ]
            },
        ),
        (_("Rules and price"), {"fields": ["needs_approval", "price_per_hour"]}),
        (_("Floor plan"), {"fields": ["plan_x", "plan_y", "plan_width", "plan_height"]}),
        (_("Service"), {"fields": ["out_of_service", "out_of_service_reason"]}),
    ]

    def get_queryset(self, request):
        # A resource names its space (Resource.__str__), and other admins' choices of
        # resources (an event's rooms) come from here: one query, not one a resource.
        return super().get_queryset(request).select_related("space")


@admin.register(SpaceRole)
class SpaceRoleAdmin(ScopedToSpaces, admin.ModelAdmin):
    list_display = ["user", "role", "space"]
    list_filter = ["role", "space__country", "space"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "space__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "space"]


@admin.register(DisplayToken)
class DisplayTokenAdmin(AddedAndChangedElsewhere, ScopedToSpaces, admin.ModelAdmin):
    """Revoked tokens may be deleted here; a new one is made on the displays page, which
    shows its key once (the admin could not show it)."""

    list_display = ["name", "space", "room", "created_at", "revoked_at"]
    list_filter = ["space"]
    # The room may be empty, and Django joins only the relations that may not; a room
    # names its space.
    list_select_related = ["space", "room__space"]
    readonly_fields = [f.name for f in DisplayToken._meta.fields]
