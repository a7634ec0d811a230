"""Who sees which rows in the admin: network admins everything, hosts their own spaces."""

from django.contrib.auth import get_user_model

from cowork.models import Organization, Space
from cowork.selectors.access import (
    organizations_managed_by,
    people_known_to,
    spaces_managed_by,
    user_is_network_admin,
)

User = get_user_model()


def scoped_choices(db_field, request, kwargs) -> dict:
    """The choices of a foreign key limited to what the viewer may point at."""
    if db_field.related_model is Space:
        kwargs["queryset"] = spaces_managed_by(user=request.user)
    elif db_field.related_model is Organization:
        kwargs["queryset"] = organizations_managed_by(user=request.user)
    elif db_field.related_model is User:
        kwargs["queryset"] = people_known_to(user=request.user)
    return kwargs


def may_change_user(request, user) -> bool:
    """A superuser's account is changed by superusers only, or it would be the way to one."""
    return user is None or not user.is_superuser or request.user.is_superuser


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
        kwargs = scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AddedAndChangedElsewhere:
    """Rows made and changed only by services (they check the rules and record events);
    the admin shows them. Put it before the scope mixin, whose permissions it narrows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnly(AddedAndChangedElsewhere):
    """History the admin shows and never changes, nor deletes."""

    def has_delete_permission(self, request, obj=None):
        return False
