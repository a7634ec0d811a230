"""The waitlist of rooms and desks: joining a room's or any desk's line for a window, leaving
it from My bookings, and the offer's page, whose one button books through the booking
service (the link in the offer's message opens it)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import Resource
from cowork.models.waits import ResourceWait, ResourceWaitOffer
from cowork.selectors.waits import wait_position
from cowork.services.waits import (
    resource_wait_accept,
    resource_wait_decline,
    resource_wait_join,
    resource_wait_leave,
)
from cowork.web.booking.common import done, say_done
from cowork.web.common import active_space, error_status
from cowork.web.forms import TIME_FORMAT, WindowForm, default_window

ANY_DESK = ""


class WaitForm(WindowForm):
    """A window and what to wait for: one room or desk of the centre, or any desk."""

    resource = forms.ChoiceField(label=gettext_lazy("Room or desk"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(ANY_DESK, _("Any desk"))]
        for resource in self.space.resources.all():
            waitable = resource.kind in (Resource.Kind.ROOM, Resource.Kind.DESK)
            if waitable and not resource.out_of_service:
                choices.append((str(resource.pk), resource.name_in(get_language())))
        self.fields["resource"].choices = choices

    def chosen_resource(self) -> Resource | None:
        value = self.cleaned_data.get("resource") or ANY_DESK
        if value == ANY_DESK:
            return None
        return next(r for r in self.space.resources.all() if str(r.pk) == value)


def _initial(space, query) -> dict:
    """The search's window when the page is opened from it, else the next free hour."""
    day, start, end = default_window(space, timezone.now())
    initial = {
        "date": day,
        "start": start.strftime(TIME_FORMAT) if start else None,
        "end": end.strftime(TIME_FORMAT) if end else None,
    }
    initial.update(
        {key: query[key] for key in ("date", "start", "end", "resource") if query.get(key)}
    )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def wait_join(request, slug):
    space = active_space(slug, with_calendar=True)
    if request.method == "GET":
        form = WaitForm(initial=_initial(space, request.GET), space=space)
        return render(request, "cowork/booking/wait_join.html", {"space": space, "form": form})
    form = WaitForm(request.POST, space=space)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            resource_wait_join(
                member=request.user,
                space=space,
                resource=form.chosen_resource(),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
            status = error_status(refusal)
        else:
            say_done(request, _("You are on the waitlist. We will send you a message if it frees."))
            return redirect(f"{reverse('web:my-bookings')}#waits")
    return render(
        request, "cowork/booking/wait_join.html", {"space": space, "form": form}, status=status
    )


@login_required
@require_POST
def wait_leave(request, pk):
    wait = get_object_or_404(ResourceWait, pk=pk, member=request.user)
    try:
        resource_wait_leave(wait=wait, acting_user=request.user)
    except DomainError as refusal:
        say_done(request, refusal.message)
    else:
        say_done(request, _("You have left the waitlist."))
    return redirect(f"{reverse('web:my-bookings')}#waits")


@never_cache
@require_http_methods(["GET", "POST"])
def wait_offer(request, key):
    """The offer's page: anyone holding the link acts for the member it was made to."""
    offer = ResourceWaitOffer.from_link_key(key)
    if offer is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            if accept:
                booking = resource_wait_accept(offer=offer)
            else:
                resource_wait_decline(offer=offer)
        except DomainError as refusal:
            error, status = refusal.message, error_status(refusal)
            offer = ResourceWaitOffer.from_link_key(key)
        else:
            if accept and request.user == offer.wait.member:
                return done(
                    request,
                    _("%(resource)s is booked.")
                    % {"resource": offer.resource.name_in(get_language())},
                    booking,
                )
            return redirect("web:wait-offer", key=key)
    wait = offer.wait
    now = timezone.now()
    context = {
        "offer": offer,
        "wait": wait,
        "space": wait.space,
        "live": offer.is_live(now),
        "error": error,
        "position": wait_position(wait) if wait.is_open else None,
    }
    return render(request, "cowork/booking/wait_offer.html", context, status=status)
