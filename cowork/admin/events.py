"""Round-tables and trainings: events with their sessions, registrations, attendance, and
the project and donor tags they carry."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cowork.admin.local_time import InCentreTime, local_column
from cowork.admin.scoping import (
    AddedAndChangedElsewhere,
    AddedAndRemovedElsewhere,
    InlineOfScopedParent,
    NetworkAdminOnly,
    ReadOnly,
    ScopedLookups,
    ScopedToSpaces,
    asked_once,
    manages,
    manages_an_organization,
)
from cowork.models import Attendance, Event, EventSession, Registration, Tag
from cowork.selectors.access import (
    tags_managed_by,
    tags_usable_at,
    tags_visible_to,
    user_is_network_admin,
)


class EventSessionInline(ReadOnly, InlineOfScopedParent, admin.TabularInline):
    """Sessions book their room; they are made with the event, by its service, and shown
    here to whoever manages the event's centre."""

    model = EventSession
    parent_space_path = "space"
    extra = 0
    fields = ["starts_at", "ends_at", "booking"]
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(InCentreTime, AddedAndRemovedElsewhere, ScopedToSpaces, admin.ModelAdmin):
    """Hosts read and tidy events here; creating one books rooms, so it is done on the
    event pages, whose service checks the booking rules. Nor is an event deleted here: it is
    cancelled on its page, which tells everyone registered."""

    list_display = ["title", "kind", "space", "starts_at_local", "capacity", "status"]
    list_filter = ["kind", "status", "space__country", "space", "tags"]
    search_fields = ["title", "description", "organizer_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["space"]
    inlines = [EventSessionInline]
    readonly_fields = ["space", "room", "starts_at", "ends_at", "status", "sequence", "created_by"]
    filter_horizontal = ["tags"]

    starts_at_local = local_column("starts_at", _("starts (centre's time)"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "tags" in form.base_fields:
            form.base_fields["tags"].queryset = tags_usable_at(space=obj.space)
        return form


@admin.register(Registration)
class RegistrationAdmin(InCentreTime, AddedAndRemovedElsewhere, ScopedToSpaces, admin.ModelAdmin):
    """Registrations are made and cancelled by their service, which tells the person and
    moves the waitlist; here a host notes someone's accessibility needs."""

    space_path = "event__space"
    list_display = ["participant", "event", "status", "created_at"]
    list_filter = ["status", "event__space"]
    search_fields = ["participant__name", "event__title"]
    list_select_related = ["participant", "event"]
    readonly_fields = [f.name for f in Registration._meta.fields if f.name != "accessibility_needs"]


@admin.register(Attendance)
class AttendanceAdmin(InCentreTime, AddedAndChangedElsewhere, ScopedToSpaces, admin.ModelAdmin):
    space_path = "session__event__space"
    list_display = ["participant", "session", "method", "at"]
    list_filter = ["method"]
    readonly_fields = [f.name for f in Attendance._meta.fields]


@admin.register(Tag)
class TagAdmin(ScopedLookups, admin.ModelAdmin):
    """Hosts see their organizations' tags and the network's, and edit only their own;
    network-wide tags (no organization) are set up by network admins."""

    list_display = ["name", "kind", "organization"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return tags_visible_to(user=request.user).select_related("organization")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and not user_is_network_admin(user=request.user):
            # A host's tag belongs to their organization; only network admins leave it empty.
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return manages(request, None, "")

    def has_view_permission(self, request, obj=None):
        return manages(request, None, "")

    def has_add_permission(self, request):
        return manages_an_organization(request)

    def has_change_permission(self, request, obj=None):
        managed = tags_managed_by(user=request.user)
        if obj is None:
            return asked_once(request, "manages_a_tag", managed.exists)
        return managed.filter(pk=obj.pk).exists()

    has_delete_permission = NetworkAdminOnly.has_view_permission
