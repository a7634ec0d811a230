"""Who hosts and staffs a centre."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import SpaceRole
from cowork.selectors.access import user_is_network_admin
from cowork.selectors.centres import person_to_add, space_roles
from cowork.services.centres.roles import space_role_grant, space_role_revoke
from cowork.web.manage.common import managed_space, page, refused_status, show_refusal
from cowork.web.manage.forms import RoleForm


@login_required
@require_http_methods(["GET", "POST"])
def people(request, slug):
    space = managed_space(request, slug)
    form = RoleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            person = person_to_add(text=form.cleaned_data["who"], space=space)
            if person is None:
                form.add_error(
                    "who",
                    _("No account has this phone or username. They sign up first."),
                )
            else:
                try:
                    space_role_grant(
                        space=space, by=request.user, user=person, role=form.cleaned_data["role"]
                    )
                except DomainError as refusal:
                    show_refusal(form, refusal)
                    status = refused_status(refusal)
                else:
                    messages.success(
                        request,
                        _("%(name)s now works at the centre.")
                        % {"name": person.get_full_name() or person.get_username()},
                    )
                    return redirect(request.path)
    return page(
        request,
        space,
        "people",
        "cowork/manage/people.html",
        {
            "roles": list(space_roles(space=space)),
            "form": form,
            "can_create_accounts": user_is_network_admin(user=request.user),
        },
        status=status,
    )


@login_required
@require_POST
def role_remove(request, slug, pk):
    space = managed_space(request, slug)
    role = get_object_or_404(SpaceRole, pk=pk, space=space)
    try:
        space_role_revoke(role=role, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("web:manage-people", slug=space.slug)
    messages.success(request, _("Role removed."))
    return redirect("web:manage-people", slug=space.slug)
