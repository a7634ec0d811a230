"""People and their keys, for network admins: members, participants, users, API tokens
and donors' access. Hosts reach users only through the autocomplete, to give a role."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from cowork.admin.scoping import NetworkAdminOnly, may_change_user
from cowork.models import ApiToken, DonorAccess, Member, Participant
from cowork.models.people import REMINDER_CHOICES
from cowork.selectors.access import people_known_to, spaces_managed_by, user_is_network_admin

User = get_user_model()


class MemberForm(forms.ModelForm):
    """A member's reminder times as boxes to tick, none ticked for the centre's times: the
    JSON field's own text box showed "null" for them and took any JSON."""

    reminder_minutes = forms.TypedMultipleChoiceField(
        label=_("reminder times (minutes before)"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the centre's reminder times."),
    )

    class Meta:
        model = Member
        # The admin adds the rest of its fields to these.
        fields = ["reminder_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["reminder_minutes"] = list(self.instance.reminder_minutes or [])

    def clean_reminder_minutes(self) -> list[int] | None:
        # As the profile's service keeps them: latest first, each once; none is the centre's.
        return sorted(set(self.cleaned_data["reminder_minutes"]), reverse=True) or None


@admin.register(Member)
class MemberAdmin(NetworkAdminOnly, admin.ModelAdmin):
    form = MemberForm
    list_display = ["__str__", "phone", "language", "organization", "is_network_admin"]
    list_filter = ["language", "is_network_admin", "organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change_user(
            request, obj.user if obj else None
        )

    has_delete_permission = has_change_permission


@admin.register(Participant)
class ParticipantAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["name", "phone", "language", "created_at"]
    list_filter = ["language"]
    search_fields = ["name", "phone"]


@admin.register(ApiToken)
class ApiTokenAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


@admin.register(DonorAccess)
class DonorAccessAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["user", "tag"]
    autocomplete_fields = ["user"]


class MemberInline(NetworkAdminOnly, admin.StackedInline):
    model = Member
    form = MemberForm
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

    def get_search_fields(self, request):
        if user_is_network_admin(user=request.user):
            return super().get_search_fields(request)
        # Hosts find the people of their centres by name, or by their whole phone number;
        # never by a piece of an e-mail address.
        return ["username", "first_name", "last_name", "=member__phone"]

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
        return NetworkAdminOnly.has_view_permission(self, request, obj) and may_change_user(
            request, obj
        )

    has_delete_permission = has_change_permission
