"""Room and lobby displays, opened by their key without signing in, and the hosts' page
that sets them up and switches them off."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import DisplayToken, Resource, Space
from cowork.selectors.access import user_manages_space
from cowork.selectors.occupancy import occupancy_snapshot_and_names
from cowork.services.displays import display_token_create, display_token_revoke
from cowork.web.common import active_space, error_status, qr_svg
from cowork.web.live import shapes
from cowork.web.live.visitors import VisitorForm, visitor_notice

# As many room cards as fit beside the plan on a landscape lobby screen (1280×800 and up);
# more rooms page through, a page at a time.
LOBBY_ROOMS_PER_PAGE = 3


@require_GET
def display(request, key):
    """A room's door or a lobby screen, opened by its key: no sign-in, never a name."""
    token = (
        DisplayToken.objects.select_related("space", "room")
        .filter(key_hash=DisplayToken.hash(key), revoked_at__isnull=True, space__is_active=True)
        .first()
    )
    if token is None:
        return shapes.no_store(render(request, "cowork/live/display_gone.html", status=404))
    space = token.space
    snapshot, names = occupancy_snapshot_and_names(
        space=space, now=timezone.now(), with_names=False, language=get_language()
    )
    resources = shapes.live_resources(snapshot, names=names)
    context = {
        "space": space,
        "token": token,
        "snapshot_at": datetime.datetime.fromisoformat(snapshot["at"]),
        "figures": shapes.Figures.of(snapshot),
        "live_config": shapes.live_config(
            mode="room" if token.room_id else "lobby",
            socket=shapes.space_socket(space, key),
            poll=reverse("web:occupancy-json", args=[space.slug]) + f"?display={key}",
            time_zone=space.time_zone,
            seq=snapshot["seq"],
            room=token.room_id,
            names=names,
        ),
    }
    if token.room_id:
        room = next((r for r in resources if r.id == token.room_id), None)
        if room is None:
            return shapes.no_store(render(request, "cowork/live/display_gone.html", status=404))
        check_in = request.build_absolute_uri(reverse("web:qr-check-in", args=[room.id]))
        context.update(
            room=room,
            qr=qr_svg(check_in, title=room.name, css_class="display-qr"),
            check_in_url=check_in,
        )
        template = "cowork/live/display_room.html"
    else:
        rooms = [r for r in resources if r.is_room]
        context.update(
            on_plan=[r for r in resources if r.plan],
            room_pages=[
                rooms[start : start + LOBBY_ROOMS_PER_PAGE]
                for start in range(0, max(len(rooms), 1), LOBBY_ROOMS_PER_PAGE)
            ],
            legend=shapes.legend(resources),
            visitor_form=VisitorForm(),
            visitor_action=reverse("web:tablet-visitor", args=[key]),
            visitor_notice=visitor_notice(request),
            kiosk_url=reverse("web:door-kiosk", args=[key]),
        )
        template = "cowork/live/display_lobby.html"
    response = render(request, template, context)
    # The key is in the address: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex"
    return shapes.no_store(response)


class DisplayForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Where the screen hangs, e.g. “Training room door”."),
    )
    room = forms.ModelChoiceField(
        label=gettext_lazy("Room"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=gettext_lazy("None — a lobby screen with the whole floor plan"),
    )

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = space.resources.filter(kind=Resource.Kind.ROOM).order_by(
            "name"
        )


def _managed_space(request, slug: str) -> Space:
    space = active_space(slug)
    if not user_manages_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts set up displays."))
    return space


def _render_displays(request, space: Space, form: DisplayForm, *, status=200, **extra):
    # Working displays first, on every database.
    tokens = (
        DisplayToken.objects.filter(space=space)
        .select_related("room")
        .order_by(F("revoked_at").asc(nulls_first=True), "name")
    )
    context = {"space": space, "form": form, "tokens": tokens, **extra}
    return shapes.no_store(render(request, "cowork/live/displays.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def displays(request, slug):
    """The centre's displays, a form for a new one, and Revoke buttons. Hosts only."""
    space = _managed_space(request, slug)
    if request.method == "GET":
        revoked = request.GET.get("revoked", "")
        notice = ""
        if revoked.isdigit():
            token = DisplayToken.objects.filter(pk=revoked, space=space).first()
            if token is not None and token.revoked_at is not None:
                notice = _("“%(name)s” is switched off. It shows nothing from now on.") % {
                    "name": token.name
                }
        return _render_displays(request, space, DisplayForm(space=space), notice=notice)
    form = DisplayForm(request.POST, space=space)
    if not form.is_valid():
        return _render_displays(request, space, form, status=400)
    try:
        token, key = display_token_create(
            space=space,
            host=request.user,
            name=form.cleaned_data["name"],
            room=form.cleaned_data["room"],
        )
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return _render_displays(request, space, form, status=error_status(refusal))
    # The address is shown in this response and nowhere else: only the key's hash is kept,
    # and a redirect would have to park the key in the session to show it after.
    created_url = request.build_absolute_uri(reverse("web:display", args=[key]))
    return _render_displays(
        request,
        space,
        DisplayForm(space=space),
        status=201,
        created=token,
        created_url=created_url,
    )


@login_required
@require_POST
def display_revoke(request, slug, pk):
    space = _managed_space(request, slug)
    token = get_object_or_404(DisplayToken.objects.select_related("space"), pk=pk, space=space)
    try:
        display_token_revoke(token=token, host=request.user)
    except DomainError as refusal:
        raise PermissionDenied(refusal.message) from refusal
    return redirect(f"{reverse('web:displays', args=[space.slug])}?revoked={token.pk}")
