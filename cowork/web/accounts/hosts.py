"""The hosts' page of a centre's members: people waiting for approval, and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cowork.errors import DomainError
from cowork.selectors.access import user_manages_space
from cowork.selectors.accounts import invitations_recent, memberships_waiting
from cowork.services.accounts.memberships import membership_decide
from cowork.web.common import active_space


def managed_space(request, slug):
    space = active_space(slug)
    if not user_manages_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts see and approve its members."))
    return space


def members_page(request, space, *, invite_form=None, status=200):
    # Imported here: the invitation pages import this module for the page they re-render.
    from cowork.web.accounts.invitations import InviteForm

    context = {
        "space": space,
        "waiting": list(memberships_waiting(space=space)),
        "invitations": list(invitations_recent(space=space)),
        "invite_form": invite_form or InviteForm(space=space),
        "now": timezone.now(),
    }
    return render(request, "cowork/accounts/members.html", context, status=status)


@login_required
@require_GET
def members(request, slug):
    return members_page(request, managed_space(request, slug))


@login_required
@require_POST
def member_decide(request, slug, pk, approve: bool):
    space = managed_space(request, slug)
    try:
        membership = membership_decide(
            membership_id=pk, space=space, host=request.user, approve=approve
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = str(membership.member)
        if approve:
            messages.success(request, _("%(name)s is approved and told by SMS.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is declined and told by SMS.") % {"name": name})
    return redirect("accounts:members", slug=space.slug)
