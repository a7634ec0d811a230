"""The centres someone manages, a new centre, and a centre's details, rules and SMS."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cowork.models import Space
from cowork.selectors.access import user_is_network_admin
from cowork.selectors.centres import centres_managed_by
from cowork.services.centres.spaces import space_create, space_update
from cowork.web.manage.common import managed_space, page, submit
from cowork.web.manage.forms import CentreCreateForm, DetailsForm, RulesForm, SmsForm


@login_required
@require_GET
def centres(request):
    """Every centre the person manages; network admins also start a new one here."""
    network_admin = user_is_network_admin(user=request.user)
    spaces = list(centres_managed_by(user=request.user))
    if not spaces and not network_admin:
        raise PermissionDenied(_("Only hosts and network administrators manage centres."))
    return render(
        request,
        "cowork/manage/centres.html",
        {"spaces": spaces, "can_create": network_admin},
    )


@login_required
@require_http_methods(["GET", "POST"])
def centre_new(request):
    if not user_is_network_admin(user=request.user):
        raise PermissionDenied(_("Only network administrators open new centres."))
    form = CentreCreateForm(request.POST or None, initial={"safety_capacity": 30})
    status = 200
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: space_create(
                organization=form.cleaned_data["organization"],
                by=request.user,
                **form.changes(),
            ),
        )
        if done.saved:
            space = done.result
            messages.success(
                request,
                _("%(name)s is open. Give it its opening hours next.") % {"name": space.name},
            )
            return redirect("web:manage-hours", slug=space.slug)
        status = done.status
    return render(request, "cowork/manage/centre_new.html", {"form": form}, status=status)


def _space_form_page(request, slug, *, form_class, section: str, title: str):
    """A section that edits fields of the centre itself, through `space_update`."""
    space = managed_space(request, slug)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=Space.objects.get(pk=space.pk))
        done = submit(
            request,
            form,
            lambda: space_update(space=space, by=request.user, changes=form.changes()),
        )
        if done.saved:
            messages.success(request, _("Saved."))
            return redirect(request.path)
        status = done.status
    else:
        form = form_class(instance=space)
    return page(
        request,
        space,
        section,
        "cowork/manage/space_form.html",
        {"form": form, "title": title},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def details(request, slug):
    return _space_form_page(
        request, slug, form_class=DetailsForm, section="details", title=_("Details")
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, slug):
    return _space_form_page(
        request, slug, form_class=RulesForm, section="rules", title=_("Booking rules")
    )


@login_required
@require_http_methods(["GET", "POST"])
def sms(request, slug):
    return _space_form_page(
        request, slug, form_class=SmsForm, section="sms", title=_("SMS settings")
    )
