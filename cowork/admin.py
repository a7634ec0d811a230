"""The admin for hosts and network admins.

Access comes from cowork's own roles, not Django's model permissions: a host (with
`is_staff`) sees and edits only the spaces of their own organization; network admins see
everything. The scope is applied to querysets, to object permissions and to the choices of
every foreign key, so a host can neither read nor point at another organization's rows.

Django's own privileges (superuser status, groups, model permissions) are for superusers
to give: a network admin manages the network, not who may administer it.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cowork.models import (
    ApiToken,
    Attendance,
    Booking,
    Closure,
    DisplayToken,
    DomainEvent,
    DonorAccess,
    Event,
    EventSession,
    Member,
    OpeningHours,
    Organization,
    Participant,
    Registration,
    Resource,
    Series,
    ServicePrice,
    Space,
    SpaceRole,
    Tag,
)
from cowork.selectors.access import (
    organizations_managed_by,
    people_known_to,
    spaces_managed_by,
    tags_managed_by,
    tags_usable_at,
    tags_visible_to,
    user_is_network_admin,
)

admin.site.site_header = _("cowork administration")
admin.site.site_title = _("cowork")
admin.site.index_title = _("Centres, resources and people")

User = get_user_model()


def _scoped_choices(db_field, request, kwargs) -> dict:
    """The choices of a foreign key limited to what the viewer may point at."""
    if db_field.related_model is Space:
        kwargs["queryset"] = spaces_managed_by(user=request.user)
    elif db_field.related_model is Organization:
        kwargs["queryset"] = organizations_managed_by(user=request.user)
    elif db_field.related_model is User:
        kwargs["queryset"] = people_known_to(user=request.user)
    return kwargs


class NetworkAdminOnly:
    """Models only network admins may see: people's data and the outbox."""

    def has_module_permission(self, request):
        return user_is_network_admin(user=request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_network_admin(user=request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class ScopedToSpaces:
    """Rows that belong to a space; hosts reach only those of their organization's spaces.

    `space_path` is the lookup from the model to its Space ("" for Space itself).
    """

    space_path = "space"

    def _managed_spaces(self, request):
        cache = "_cowork_managed_spaces"
        if not hasattr(request, cache):
            setattr(request, cache, spaces_managed_by(user=request.user))
        return getattr(request, cache)

    def _in_scope(self, request, obj) -> bool:
        space = obj
        for step in filter(None, self.space_path.split("__")):
            space = getattr(space, step)
        return self._managed_spaces(request).filter(pk=space.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_network_admin(user=request.user):
            return queryset
        lookup = f"{self.space_path}__in" if self.space_path else "pk__in"
        return queryset.filter(**{lookup: self._managed_spaces(request)})

    def has_module_permission(self, request):
        return self._managed_spaces(request).exists()

    def has_view_permission(self, request, obj=None):
        if not self._managed_spaces(request).exists():
            return False
        return obj is None or self._in_scope(request, obj)

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return self._managed_spaces(request).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class ServicePriceInline(admin.TabularInline):
    model = ServicePrice
    extra = 0


class SpaceRoleInline(admin.TabularInline):
    model = SpaceRole
    extra = 0
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
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
        return organizations_managed_by(user=request.user).exists()

    def has_view_permission(self, request, obj=None):
        managed = organizations_managed_by(user=request.user)
        return managed.exists() if obj is None else managed.filter(pk=obj.pk).exists()

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return user_is_network_admin(user=request.user)

    has_delete_permission = NetworkAdminOnly.has_view_permission


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
                    "sms_monthly_budget",
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

    def has_add_permission(self, request, obj=None):
        return organizations_managed_by(user=request.user).exists()


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


@admin.register(SpaceRole)
class SpaceRoleAdmin(ScopedToSpaces, admin.ModelAdmin):
    list_display = ["user", "role", "space"]
    list_filter = ["role", "space__country", "space"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "space__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "space"]


def _may_change_user(request, user) -> bool:
    """A superuser's account is changed by superusers only, or it would be the way to one."""
    return user is None or not user.is_superuser or request.user.is_superuser


@admin.register(Member)
class MemberAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["__str__", "phone", "language", "organization", "is_network_admin"]
    list_filter = ["language", "is_network_admin", "organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_change_user(
            request, obj.user if obj else None
        )

    has_delete_permission = has_change_permission


@admin.register(Participant)
class ParticipantAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["name", "phone", "language", "created_at"]
    list_filter = ["language"]
    search_fields = ["name", "phone"]


@admin.register(DomainEvent)
class DomainEventAdmin(NetworkAdminOnly, admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The outbox is history: the relay alone marks rows published.
        return False

    has_delete_permission = has_change_permission


@admin.register(Booking)
class BookingAdmin(ScopedToSpaces, admin.ModelAdmin):
    """Read and search bookings; changes go through the booking pages and API, whose
    services check the rules and record events."""

    list_display = ["resource", "space", "booked_by", "starts_at", "ends_at", "status", "price"]
    list_filter = ["status", "resource__kind", "space__country", "space"]
    search_fields = ["resource__name", "booked_by__username", "booked_by__last_name", "purpose"]
    date_hierarchy = "starts_at"
    list_select_related = ["resource", "space", "booked_by"]
    readonly_fields = [field.name for field in Booking._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    has_delete_permission = has_change_permission


@admin.register(Series)
class SeriesAdmin(ScopedToSpaces, admin.ModelAdmin):
    space_path = "resource__space"
    list_display = ["resource", "rrule", "booked_by", "created_at"]
    readonly_fields = [field.name for field in Series._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    has_delete_permission = has_change_permission


@admin.register(ApiToken)
class ApiTokenAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


class EventSessionInline(admin.TabularInline):
    model = EventSession
    extra = 0
    fields = ["starts_at", "ends_at", "booking"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Sessions book their room; they are made with the event, by its service.
        return False


@admin.register(Event)
class EventAdmin(ScopedToSpaces, admin.ModelAdmin):
    """Hosts read and tidy events here; creating one books rooms, so it is done on the
    event pages, whose service checks the booking rules."""

    list_display = ["title", "kind", "space", "starts_at", "capacity", "status"]
    list_filter = ["kind", "status", "space__country", "space", "tags"]
    search_fields = ["title", "description", "organizer_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["space"]
    inlines = [EventSessionInline]
    readonly_fields = ["space", "room", "starts_at", "ends_at", "status", "sequence", "created_by"]
    filter_horizontal = ["tags"]

    def get_list_filter(self, request):
        # The tags on the events listed, not every organization's tag names.
        return [
            (name, admin.RelatedOnlyFieldListFilter) if name == "tags" else name
            for name in super().get_list_filter(request)
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "tags" in form.base_fields:
            form.base_fields["tags"].queryset = tags_usable_at(space=obj.space)
        return form

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(ScopedToSpaces, admin.ModelAdmin):
    space_path = "event__space"
    list_display = ["participant", "event", "status", "created_at"]
    list_filter = ["status", "event__space"]
    search_fields = ["participant__name", "event__title"]
    list_select_related = ["participant", "event"]
    readonly_fields = [f.name for f in Registration._meta.fields if f.name != "accessibility_needs"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ScopedToSpaces, admin.ModelAdmin):
    space_path = "session__event__space"
    list_display = ["participant", "session", "method", "at"]
    list_filter = ["method"]
    readonly_fields = [f.name for f in Attendance._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DisplayToken)
class DisplayTokenAdmin(ScopedToSpaces, admin.ModelAdmin):
    list_display = ["name", "space", "room", "created_at", "revoked_at"]
    list_filter = ["space"]
    readonly_fields = [f.name for f in DisplayToken._meta.fields]

    def has_add_permission(self, request, obj=None):
        # The key is shown once, on the displays page; the admin could not show it.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Hosts see their organizations' tags and the network's, and edit only their own;
    network-wide tags (no organization) are set up by network admins."""

    list_display = ["name", "kind", "organization"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return tags_visible_to(user=request.user).select_related("organization")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _scoped_choices(db_field, request, kwargs)
        if db_field.name == "organization" and not user_is_network_admin(user=request.user):
            # A host's tag belongs to their organization; only network admins leave it empty.
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return spaces_managed_by(user=request.user).exists()

    def has_view_permission(self, request, obj=None):
        return spaces_managed_by(user=request.user).exists()

    def has_add_permission(self, request):
        return organizations_managed_by(user=request.user).exists()

    def has_change_permission(self, request, obj=None):
        managed = tags_managed_by(user=request.user)
        return managed.exists() if obj is None else managed.filter(pk=obj.pk).exists()

    has_delete_permission = NetworkAdminOnly.has_view_permission


@admin.register(DonorAccess)
class DonorAccessAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["user", "tag"]
    autocomplete_fields = ["user"]


class MemberInline(admin.StackedInline):
    model = Member
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)

# What only a superuser may give: with any of them a network admin could make themselves,
# or anyone, a superuser.
PRIVILEGE_FIELDS = ["is_superuser", "groups", "user_permissions"]


@admin.register(User)
class CoworkUserAdmin(NetworkAdminOnly, UserAdmin):
    inlines = [MemberInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_network_admin(user=request.user):
            return queryset
        # Hosts reach this only through the autocomplete: the people of their centres.
        return queryset.filter(pk__in=people_known_to(user=request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += PRIVILEGE_FIELDS
        return fields

    def has_view_permission(self, request, obj=None):
        # Hosts look users up by name when they give someone a role at their space; the
        # autocomplete answers with names only, so that is all they may read of users.
        is_autocomplete = getattr(request.resolver_match, "url_name", "") == "autocomplete"
        return super().has_view_permission(request, obj) or bool(
            obj is None and is_autocomplete and spaces_managed_by(user=request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        return NetworkAdminOnly.has_view_permission(self, request, obj) and _may_change_user(
            request, obj
        )

    has_delete_permission = has_change_permission
