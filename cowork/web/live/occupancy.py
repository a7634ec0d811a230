"""The live occupancy of a centre and of the network: the host's dashboard, the network
view for network admins, and the JSON snapshots that live.js polls when the websocket
cannot be used."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cowork.models import Space
from cowork.models.spaces import COUNTRIES
from cowork.selectors.access import (
    occupancy_view_for,
    space_roles_of,
    spaces_staffed_by,
    user_is_network_admin,
)
from cowork.selectors.occupancy import (
    network_occupancy,
    occupancy_snapshot,
    occupancy_snapshot_and_names,
)
from cowork.selectors.spaces import SpaceStatus, spaces_by_country
from cowork.web.common import active_space
from cowork.web.live.shapes import (
    NETWORK_SOCKET,
    SNAPSHOT_VERSION,
    Figures,
    json_refusal,
    json_response,
    legend,
    live_config,
    live_resources,
    no_store,
    space_socket,
)
from cowork.web.live.visitors import VisitorForm, visitor_notice


@require_GET
def occupancy_json(request, slug):
    """A centre's snapshot, as the websocket's first message. Session or `?display=<key>`."""
    space = Space.objects.filter(slug=slug, is_active=True).first()
    if space is None:
        return json_response(
            {"type": "error", "code": "not_found", "message": _("No such centre.")}, status=404
        )
    display_key = request.GET.get("display", "")
    view = occupancy_view_for(user=request.user, space=space, display_key=display_key)
    if view is None:
        return json_refusal(request, display_key=display_key)
    data = occupancy_snapshot(space=space, now=timezone.now(), with_names=view == "named")
    return json_response({"type": "snapshot", "v": SNAPSHOT_VERSION, **data})


@require_GET
def network_json(request):
    """Every centre's row of the network view, as the network websocket's first message."""
    if not user_is_network_admin(user=request.user):
        return json_refusal(request)
    centres = network_occupancy(now=timezone.now())
    return json_response({"type": "snapshot", "v": SNAPSHOT_VERSION, "centres": centres})


@login_required
@require_GET
def live_centres(request):
    """The Live link of the navigation: straight to the dashboard for a host of one centre."""
    spaces = list(
        spaces_staffed_by(user=request.user).filter(is_active=True).order_by("country", "city")
    )
    if len(spaces) == 1:
        return redirect("web:live-dashboard", slug=spaces[0].slug)
    if not spaces:
        raise PermissionDenied(_("Only hosts and staff of a centre see it live."))
    return render(
        request,
        "cowork/live/centres.html",
        {"spaces": spaces, "network": user_is_network_admin(user=request.user)},
    )


@login_required
@require_GET
def live_dashboard(request, slug):
    """The centre now: the plan by state, rooms with who holds them, head count, a feed."""
    space = active_space(slug)
    roles = space_roles_of(user=request.user)  # once for the page and its header
    if not roles.works_at(space):
        raise PermissionDenied(_("Only the centre's hosts and staff see it live."))
    snapshot, names = occupancy_snapshot_and_names(
        space=space, now=timezone.now(), with_names=True, language=get_language()
    )
    resources = live_resources(snapshot, names=names)
    context = {
        "space": space,
        "snapshot_at": datetime.datetime.fromisoformat(snapshot["at"]),
        "resources": resources,
        "on_plan": [r for r in resources if r.plan],
        "rooms": [r for r in resources if r.is_room],
        "legend": legend(resources),
        "figures": Figures.of(snapshot),
        "can_manage": roles.manages(space),
        "network": roles.network_admin,
        "visitor_form": VisitorForm(),
        "visitor_action": reverse("web:live-visitor", args=[space.slug]),
        "visitor_notice": visitor_notice(request),
        "live_config": live_config(
            mode="space",
            socket=space_socket(space),
            poll=reverse("web:occupancy-json", args=[space.slug]),
            time_zone=space.time_zone,
            seq=snapshot["seq"],
            names=names,
        ),
    }
    return no_store(render(request, "cowork/live/dashboard.html", context))


@dataclass(frozen=True)
class CentreRow:
    id: int
    name: str
    city: str
    slug: str
    desks: int
    desks_in_use: int
    figures: Figures
    # The centre's wall clock and whether it is open, as of the page's loading.
    status: SpaceStatus | None = None

    @property
    def desk_percent(self) -> int:
        return min(100, round(100 * self.desks_in_use / max(self.desks, 1)))


@login_required
@require_GET
def network_live(request):
    """Every centre at once, by country: desks in use, head count, visits. Network admins."""
    if not user_is_network_admin(user=request.user):
        raise PermissionDenied(_("Only network administrators see the whole network."))
    now = timezone.now()
    centres = network_occupancy(now=now)
    slugs = dict(Space.objects.filter(is_active=True).values_list("pk", "slug"))
    statuses = {
        status.space.pk: status for group in spaces_by_country(now=now) for status in group.spaces
    }
    country_names = dict(COUNTRIES)
    groups: dict[str, list[CentreRow]] = {}
    for centre in centres:
        groups.setdefault(centre["country"], []).append(
            CentreRow(
                id=centre["id"],
                name=(
                    statuses[centre["id"]].space.name_in(get_language())
                    if centre["id"] in statuses
                    else centre["name"]
                ),
                city=centre["city"],
                slug=slugs.get(centre["id"], ""),
                desks=centre["desks"],
                desks_in_use=centre["desks_in_use"],
                figures=Figures.of(centre),
                status=statuses.get(centre["id"]),
            )
        )
    totals = Figures(
        head_count=sum(c["head_count"] for c in centres),
        safety_capacity=sum(c["safety_capacity"] for c in centres),
        visits_today=sum(c["visits_today"] for c in centres),
        unique_visitors_today=sum(c["unique_visitors_today"] for c in centres),
    )
    context = {
        "groups": [(code, country_names.get(code, code), rows) for code, rows in groups.items()],
        "totals": totals,
        "desks": sum(c["desks"] for c in centres),
        "desks_in_use": sum(c["desks_in_use"] for c in centres),
        "loaded_at": now,
        "live_config": live_config(
            mode="network", socket=NETWORK_SOCKET, poll=reverse("web:network-json")
        ),
    }
    return no_store(render(request, "cowork/live/network.html", context))
