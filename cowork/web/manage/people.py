"""Who hosts and staffs a centre: a role for someone with an account, an invitation by SMS
for a phone without one, and the invitations still waiting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Invitation, SpaceRole
from cowork.phones import mask_phone_for_staff
from cowork.selectors.access import user_is_network_admin
from cowork.selectors.accounts import role_invitations_pending
from cowork.selectors.centres import person_to_add, space_roles
from cowork.services.accounts.invitations import invitation_send, invitation_withdraw
from cowork.services.centres.roles import space_role_grant, space_role_revoke
from cowork.web.manage.common import managed_item, managed_space, page, refused_status, show_refusal
from cowork.web.manage.forms import RoleForm


@login_required
@require_http_methods(["GET", "POST"])
def people(request, slug):
    space = managed_space(request, slug)
    form = RoleForm(request.POST or None, space=space)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = _grant_or_invite(request, space, form)
            except ValidationError as error:
                form.add_error("who", error)
            except DomainError as refusal:
                show_refusal(form, refusal)
                status = refused_status(refusal)
            else:
                messages.success(request, done)
                return redirect(request.path)
    invitations = role_invitations_pending(space=space, now=timezone.now())
    return page(
        request,
        space,
        "people",
        "cowork/manage/people.html",
        {
            "roles": list(space_roles(space=space)),
            "invitations": [
                (invitation, mask_phone_for_staff(invitation.phone)) for invitation in invitations
            ],
            "form": form,
            "can_create_accounts": user_is_network_admin(user=request.user),
        },
        status=status,
    )


def _grant_or_invite(request, space, form: RoleForm) -> str:
    """The role for the account the form names, else an invitation to the phone typed;
    what to tell the host."""
    role = form.cleaned_data["role"]
    person = person_to_add(text=form.cleaned_data["who"], space=space)
    if person is not None:
        space_role_grant(space=space, by=request.user, user=person, role=role)
        return _("%(name)s now works at the centre.") % {
            "name": person.get_full_name() or person.get_username()
        }
    invitation = invitation_send(
        space=space, host=request.user, phone=form.phone_to_invite(), role=role
    )
    return _("An invitation (%(role)s) is on its way by SMS to %(phone)s.") % {
        "role": invitation.get_role_display(),
        "phone": mask_phone_for_staff(invitation.phone),
    }


@login_required
@require_POST
def role_remove(request, slug, pk):
    space, role = managed_item(request, slug, SpaceRole, pk)
    try:
        space_role_revoke(role=role, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("web:manage-people", slug=space.slug)
    messages.success(request, _("Role removed."))
    return redirect("web:manage-people", slug=space.slug)


@login_required
@require_POST
def invitation_withdraw_view(request, slug, pk):
    space = managed_item(request, slug, Invitation, pk)[0]  # 404 unless it is this centre's
    try:
        invitation = invitation_withdraw(space=space, invitation_id=pk, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("The invitation to %(phone)s no longer works.")
            % {"phone": mask_phone_for_staff(invitation.phone)},
        )
    return redirect("web:manage-people", slug=space.slug)
