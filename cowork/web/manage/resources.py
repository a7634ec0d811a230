"""A centre's desks, rooms and equipment, and where they stand on the floor plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.models import Resource
from cowork.services.centres.resources import (
    desks_add,
    floor_plan_arrange,
    resource_create,
    resource_restore,
    resource_retire,
    resource_update,
)
from cowork.web.manage.common import cancelled_notice, managed_item, managed_space, page, submit
from cowork.web.manage.forms import DesksForm, ResourceForm, RetireForm, plan_form


def _resources_page(request, space, *, form, desks_form, status=200):
    return page(
        request,
        space,
        "resources",
        "cowork/manage/resources.html",
        {
            "resources": list(space.resources.order_by("kind", "name")),
            "form": form,
            "desks_form": desks_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resources(request, slug):
    """The list, a form to add one resource, and one to add many desks at once."""
    space = managed_space(request, slug)
    posted = request.POST.get("form") if request.method == "POST" else None
    form = ResourceForm(request.POST if posted == "resource" else None)
    desks_form = DesksForm(request.POST if posted == "desks" else None, space=space)
    chosen = {"resource": form, "desks": desks_form}.get(posted)
    if chosen is None:
        return _resources_page(request, space, form=form, desks_form=desks_form)
    done = submit(
        request,
        chosen,
        lambda: (
            [resource_create(space=space, by=request.user, **form.changes())]
            if chosen is form
            else desks_add(space=space, by=request.user, **desks_form.changes())
        ),
    )
    if done.saved:
        names = ", ".join(r.name for r in done.result)
        messages.success(request, _("Added: %(names)s.") % {"names": names})
        return redirect(request.path)
    return _resources_page(request, space, form=form, desks_form=desks_form, status=done.status)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, slug, pk):
    space, resource = managed_item(request, slug, Resource, pk)
    form = ResourceForm(request.POST or None, instance=Resource.objects.get(pk=resource.pk))
    retire_form = RetireForm(initial={"reason": resource.out_of_service_reason})
    status = 200
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: resource_update(resource=resource, by=request.user, changes=form.changes()),
        )
        if done.saved:
            messages.success(request, _("Saved."))
            return redirect("web:manage-resources", slug=space.slug)
        status = done.status
    return _edit_page(request, space, resource, form=form, retire_form=retire_form, status=status)


def _edit_page(request, space, resource, *, form, retire_form, context=None, status=200):
    return page(
        request,
        space,
        "resources",
        "cowork/manage/resource.html",
        {"resource": resource, "form": form, "retire_form": retire_form, **(context or {})},
        status=status,
    )


@login_required
@require_POST
def resource_retire_view(request, slug, pk):
    space, resource = managed_item(request, slug, Resource, pk)
    retire_form = RetireForm(request.POST)
    done = submit(
        request,
        retire_form,
        lambda: resource_retire(
            resource=resource,
            by=request.user,
            reason=retire_form.cleaned_data["reason"],
            cancel_bookings=retire_form.cleaned_data["cancel_bookings"],
        ),
    )
    if done.saved:
        messages.success(
            request,
            _("%(name)s is out of service.") % {"name": resource.name_in(get_language())},
        )
        cancelled_notice(request, done.result)
        return redirect("web:manage-resources", slug=space.slug)
    form = ResourceForm(instance=resource)
    return _edit_page(
        request,
        space,
        resource,
        form=form,
        retire_form=retire_form,
        context=done.context,
        status=done.status,
    )


@login_required
@require_POST
def resource_restore_view(request, slug, pk):
    space, resource = managed_item(request, slug, Resource, pk)
    resource_restore(resource=resource, by=request.user)
    messages.success(
        request, _("%(name)s is in service again.") % {"name": resource.name_in(get_language())}
    )
    return redirect("web:manage-resources", slug=space.slug)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, slug):
    """The floor plan: numbers to type on a phone, and, with the script, dragging."""
    space = managed_space(request, slug)
    items = list(space.resources.order_by("kind", "name"))
    form = plan_form(space, items, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        positions = _positions(form, items) if form.is_valid() else {}
        done = submit(
            request,
            form,
            lambda: floor_plan_arrange(space=space, by=request.user, positions=positions),
        )
        if done.saved:
            messages.success(
                request, _("Floor plan saved (%(count)d moved).") % {"count": done.result}
            )
            return redirect(request.path)
        status = done.status
    rows = [
        (item, form[f"on_{item.pk}"], form[f"x_{item.pk}"], form[f"y_{item.pk}"]) for item in items
    ]
    return page(
        request,
        space,
        "plan",
        "cowork/manage/plan.html",
        {"form": form, "rows": rows, "placed": [i for i in items if i.on_plan]},
        status=status,
    )


def _positions(form, items) -> dict:
    """Where the valid plan form puts each item (None: off the plan); an item ticked on the
    plan with one number missing gets an error on the form instead."""
    data = form.cleaned_data
    positions = {}
    for item in items:
        x, y = data[f"x_{item.pk}"], data[f"y_{item.pk}"]
        if not data[f"on_{item.pk}"]:
            positions[item.pk] = None
        elif x is None or y is None:
            form.add_error(f"x_{item.pk}", _("Give both numbers to put it on the plan."))
        else:
            positions[item.pk] = (x, y)
    return positions
