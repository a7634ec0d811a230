"""Who sees which rows in the admin: network admins everything, hosts their own spaces.

Every list, form choice, filter and autocomplete answers from the viewer's scope:
- a foreign key offers what the related model's admin would list to the viewer;
- a filter on a relation lists only the values of the rows the viewer sees;
- the autocomplete answers only for a field the viewer may fill in on some admin page.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from cowork.selectors.access import (
    organizations_managed_by,
    spaces_managed_by,
    user_is_network_admin,
)


def may_change_user(request, user) -> bool:
    """A superuser's account is changed by superusers only, or it would be the way to one."""
    return user is None or not user.is_superuser or request.user.is_superuser


def managed_spaces(request):
    """The spaces the viewer manages, asked once a request."""
    cache = "_cowork_managed_spaces"
    if not hasattr(request, cache):
        setattr(request, cache, spaces_managed_by(user=request.user))
    return getattr(request, cache)


def space_of(obj, path: str):
    """The Space `obj` belongs to, following `path` ("" for a Space itself)."""
    for step in filter(None, path.split("__")):
        obj = getattr(obj, step)
    return obj


def asked_once(request, question: str, answer):
    """`answer()`, asked of the database once a page: every admin page asks each registered
    admin for its permissions (the index, the sidebar), and a change page each inline, a
    query each time. A request that writes asks afresh: its write may change the answer (a
    host who removes their own role manages nothing any more)."""
    if request.method not in ("GET", "HEAD"):
        return answer()
    cache = f"_cowork_{question}"
    if not hasattr(request, cache):
        setattr(request, cache, answer())
    return getattr(request, cache)


def _managed_space_ids(request) -> frozenset[int]:
    return asked_once(
        request,
        "managed_space_ids",
        lambda: frozenset(managed_spaces(request).values_list("pk", flat=True)),
    )


def manages(request, obj, path: str) -> bool:
    """Whether the viewer manages `obj`'s space, or any space when `obj` is None."""
    if obj is None:
        return bool(_managed_space_ids(request))
    # A space not saved yet (an add page's) is nobody's yet.
    return space_of(obj, path).pk in _managed_space_ids(request)


def manages_an_organization(request) -> bool:
    """Whether the viewer manages any organization's spaces (every one, for network admins)."""
    return asked_once(
        request,
        "manages_an_organization",
        lambda: organizations_managed_by(user=request.user).exists(),
    )


def is_autocomplete(request) -> bool:
    return getattr(request.resolver_match, "url_name", "") == "autocomplete"


def _fills_in(model_admin, request, model, field_name: str) -> bool:
    """Whether `model_admin` (or an inline) lets the viewer fill in `field_name` of `model`."""
    if model_admin.model is not model:
        return False
    if field_name not in model_admin.get_autocomplete_fields(request):
        return False
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        may_add = model_admin.has_add_permission(request, None)
    else:
        may_add = model_admin.has_add_permission(request)
    return may_add or model_admin.has_change_permission(request)


def autocomplete_source_editable(request, site) -> bool:
    """Whether the autocomplete is asked for a field the viewer may fill in: one declared as
    an autocomplete field of an admin, or of an inline, that lets the viewer add or change
    rows. Any other foreign key is nobody's business to search through."""
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return False
    field_name = request.GET["field_name"]
    for parent in site._registry.values():
        if _fills_in(parent, request, model, field_name):
            return True
        for inline_class in parent.inlines:
            if inline_class.model is not model:
                continue
            inline = inline_class(parent.model, site)
            if _fills_in(inline, request, model, field_name) and (
                parent.has_add_permission(request) or parent.has_change_permission(request)
            ):
                return True
    return False


class ScopedLookups:
    """Choices, filters and searches of an admin limited to what the viewer may see."""

    def get_field_queryset(self, db, db_field, request):
        # The rows the related model's admin lists to this viewer, in its order; an
        # unregistered model has no scope of its own and keeps Django's choices.
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if related is None:
            return super().get_field_queryset(db, db_field, request)
        queryset = related.get_queryset(request)
        ordering = related.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request):
        # A filter on a relation would name every row of the related table; this one names
        # only those of the rows listed.
        return [_related_only(self.model, entry) for entry in super().get_list_filter(request)]

    def get_search_results(self, request, queryset, search_term):
        if is_autocomplete(request) and not autocomplete_source_editable(request, self.admin_site):
            raise PermissionDenied
        return super().get_search_results(request, queryset, search_term)


def _related_only(model, entry):
    if not isinstance(entry, str):
        return entry
    try:
        field = get_fields_from_path(model, entry)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return entry
    return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry


class NetworkAdminOnly(ScopedLookups):
    """Models only network admins may see: people's data and the outbox."""

    def has_module_permission(self, request):
        return user_is_network_admin(user=request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_network_admin(user=request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class ScopedToSpaces(ScopedLookups):
    """Rows that belong to a space; hosts reach only those of their organization's spaces.

    `space_path` is the lookup from the model to its Space ("" for Space itself).
    """

    space_path = "space"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_network_admin(user=request.user):
            return queryset
        lookup = f"{self.space_path}__in" if self.space_path else "pk__in"
        return queryset.filter(**{lookup: managed_spaces(request)})

    def has_module_permission(self, request):
        return manages(request, None, self.space_path)

    def has_view_permission(self, request, obj=None):
        return manages(request, obj, self.space_path)

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return manages(request, None, self.space_path)


class InlineOfScopedParent(ScopedLookups):
    """An inline's rows are the parent's: whoever manages the parent's space sees and edits
    them (`parent_space_path` leads from the parent to its Space)."""

    parent_space_path = ""

    def has_view_permission(self, request, obj=None):
        return manages(request, obj, self.parent_space_path)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class AddedAndChangedElsewhere:
    """Rows made and changed only by services (they check the rules and record events);
    the admin shows them. Put it before the scope mixin, whose permissions it narrows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AddedAndRemovedElsewhere:
    """Rows whose services make and cancel them, telling the people concerned; the admin
    only corrects them. Put it before the scope mixin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(AddedAndChangedElsewhere):
    """History the admin shows and never changes, nor deletes."""

    def has_delete_permission(self, request, obj=None):
        return False
