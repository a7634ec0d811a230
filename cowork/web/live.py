"""Live occupancy pages: the host's dashboard, room and lobby displays, display tokens, the
network view, and the JSON snapshots that live.js polls when the websocket cannot be used.

Every page renders the current state on the server, so it is useful without JavaScript;
live.js then keeps it current over the websocket (realtime/) or by polling. The JSON has
the shape of the websocket's snapshot. It is built here rather than with
realtime.protocol, because the web layer, like the domain, never imports realtime.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cowork.errors import DomainError
from cowork.models import DisplayToken, DomainEventKind, Resource, Space
from cowork.models.spaces import COUNTRIES
from cowork.selectors.access import (
    occupancy_view_for,
    spaces_staffed_by,
    user_is_network_admin,
    user_manages_space,
    user_works_at_space,
)
from cowork.selectors.occupancy import (
    BOOKED,
    FREE,
    OCCUPIED,
    OUT_OF_SERVICE,
    RELEASED,
    network_occupancy,
    occupancy_snapshot,
)
from cowork.services.displays import display_token_create, display_token_revoke
from cowork.web.common import active_space, error_status, qr_svg

# realtime.protocol.PROTOCOL_VERSION; tests/cowork/web/test_live.py keeps the two equal.
SNAPSHOT_VERSION = 1
# What the live feed lists; other events only change the plan and the figures.
FEED_EVENTS = {
    DomainEventKind.BOOKING_CHECKED_IN: gettext_lazy("checked in"),
    DomainEventKind.BOOKING_CHECKED_OUT: gettext_lazy("checked out"),
    DomainEventKind.BOOKING_RELEASED: gettext_lazy("released — nobody came"),
    DomainEventKind.BOOKING_CREATED: gettext_lazy("booked"),
    DomainEventKind.BOOKING_CANCELLED: gettext_lazy("booking cancelled"),
}
# Short enough to fit inside a desk on the plan; the legend and screen readers get the long one.
STATE_LABELS = {
    FREE: gettext_lazy("Free"),
    BOOKED: gettext_lazy("Booked"),
    OCCUPIED: gettext_lazy("Occupied"),
    RELEASED: gettext_lazy("Released"),
    OUT_OF_SERVICE: gettext_lazy("Closed"),
}
STATE_DESCRIPTIONS = {
    FREE: gettext_lazy("Free"),
    BOOKED: gettext_lazy("Booked — not checked in yet"),
    OCCUPIED: gettext_lazy("Occupied — checked in"),
    RELEASED: gettext_lazy("Released — booked, but nobody came"),
    OUT_OF_SERVICE: gettext_lazy("Closed — out of service"),
}
# A symbol per state, so no state is told by its colour alone (on the plan: also a pattern).
STATE_SYMBOLS = {FREE: "✓", BOOKED: "◷", OCCUPIED: "●", RELEASED: "↺", OUT_OF_SERVICE: "✕"}
# What a door display says about its room now.
ROOM_NOW = {
    FREE: pgettext_lazy("room display", "Free"),
    RELEASED: pgettext_lazy("room display", "Free"),
    BOOKED: pgettext_lazy("room display", "In use"),
    OCCUPIED: pgettext_lazy("room display", "In use"),
    OUT_OF_SERVICE: pgettext_lazy("room display", "Out of service"),
}
# The head count bar turns amber from this share of the safety capacity.
NEAR_CAPACITY = 0.8


def _space_socket(space: Space, display_key: str = "") -> str:
    # The route is realtime/routing.py's; it is not a Django URL, so it cannot be reversed.
    query = f"?display={display_key}" if display_key else ""
    return f"/ws/spaces/{space.pk}/occupancy/{query}"


NETWORK_SOCKET = "/ws/network/occupancy/"


# --- What the pages show ----------------------------------------------------------------


@dataclass(frozen=True)
class LiveBooking:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    holder: str
    purpose: str
    today: bool

    @classmethod
    def of(cls, view: dict | None, *, today: datetime.date) -> "LiveBooking | None":
        if view is None:
            return None
        starts_at = datetime.datetime.fromisoformat(view["starts_at"])
        return cls(
            starts_at=starts_at,
            ends_at=datetime.datetime.fromisoformat(view["ends_at"]),
            status=view["status"],
            holder=view.get("holder", ""),
            purpose=view.get("purpose", ""),
            today=starts_at.date() == today,
        )


@dataclass(frozen=True)
class LiveResource:
    """One resource of a snapshot, ready for the template: its state in words and its place."""

    id: int
    name: str
    kind: str
    state: str
    plan: tuple[int, int, int, int] | None
    current: LiveBooking | None
    next: LiveBooking | None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def description(self) -> str:
        return str(STATE_DESCRIPTIONS[self.state])

    @property
    def symbol(self) -> str:
        return STATE_SYMBOLS[self.state]

    @property
    def now_label(self) -> str:
        return str(ROOM_NOW[self.state])

    @property
    def in_use(self) -> bool:
        return self.state in (BOOKED, OCCUPIED)

    @property
    def is_room(self) -> bool:
        return self.kind == Resource.Kind.ROOM

    # Where the two lines of text sit inside the resource's rectangle on the plan.
    @property
    def name_x(self) -> int:
        return self.plan[0] + self.plan[2] // 2

    @property
    def name_y(self) -> int:
        return self.plan[1] + self.plan[3] // 2 - 4

    @property
    def state_y(self) -> int:
        return self.plan[1] + self.plan[3] // 2 + 15


@dataclass(frozen=True)
class Figures:
    head_count: int
    safety_capacity: int
    visits_today: int
    unique_visitors_today: int

    @property
    def percent(self) -> int:
        """The bar's length: the head count's share of the capacity, at most 100."""
        return min(100, round(100 * self.head_count / max(self.safety_capacity, 1)))

    @property
    def level(self) -> str:
        if self.head_count > self.safety_capacity:
            return "over"
        if self.head_count >= NEAR_CAPACITY * self.safety_capacity:
            return "near"
        return "ok"

    @classmethod
    def of(cls, data: dict) -> "Figures":
        return cls(**{field: data[field] for field in cls.__dataclass_fields__})


def _live_resources(snapshot: dict) -> list[LiveResource]:
    today = datetime.datetime.fromisoformat(snapshot["at"]).date()
    return [
        LiveResource(
            id=item["id"],
            name=item["name"],
            kind=item["kind"],
            state=item["state"],
            plan=tuple(item["plan"]) if item["plan"] else None,
            current=LiveBooking.of(item["current"], today=today),
            next=LiveBooking.of(item["next"], today=today),
        )
        for item in snapshot["resources"]
    ]


def _legend(resources: list[LiveResource]) -> list[tuple[str, str, str, int]]:
    """(state, description, symbol, desks in it) for every state, in a fixed order."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    for resource in resources:
        if resource.kind == Resource.Kind.DESK:
            counts[resource.state] += 1
    return [
        (state, str(STATE_DESCRIPTIONS[state]), STATE_SYMBOLS[state], count)
        for state, count in counts.items()
    ]


def _js_strings() -> dict:
    """What live.js says, translated here: the script itself carries no words."""
    return {
        "status": {
            "connecting": _("Connecting…"),
            "live": _("Live"),
            "reconnecting": _("Reconnecting…"),
            "offline": _("Offline — showing data from %(time)s"),
            "polling": _("Polling"),
            "signed_out": _("Signed out — sign in again to see live data"),
            "forbidden": _("No access to this live view"),
            "not_found": _("This centre is no longer shown"),
            "switched_off": _("This display has been switched off by a host."),
        },
        "states": {state: str(label) for state, label in STATE_LABELS.items()},
        "descriptions": {state: str(text) for state, text in STATE_DESCRIPTIONS.items()},
        "symbols": STATE_SYMBOLS,
        "room_now": {state: str(text) for state, text in ROOM_NOW.items()},
        "events": {kind: str(text) for kind, text in FEED_EVENTS.items()},
        "now_state": _("now %(state)s"),
        "nothing_now": _("Nothing booked now"),
        "nothing_next": _("Nothing booked in the next 7 days"),
        "until": _("Until %(time)s"),
        "free_until": _("Free until %(time)s"),
        "checked_in": _("Checked in"),
        "waiting": _("Not checked in yet"),
        "level": {
            "ok": "",
            "near": _("Near capacity"),
            "over": _("Over capacity"),
        },
    }


def _live_config(*, mode: str, socket: str, poll: str, time_zone: str = "", **extra) -> dict:
    return {
        "mode": mode,
        "socket": socket,
        "poll": poll,
        "pollSeconds": settings.LIVE_POLL_SECONDS,
        "timeZone": time_zone,
        "strings": _js_strings(),
        **extra,
    }


def _no_store(response):
    # Occupancy is stale within seconds; no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    return _no_store(
        JsonResponse(
            data,
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    )


def _json_refusal(request, *, display_key: str = "") -> JsonResponse:
    """401 for someone who has not said who they are; 403 for someone who may not look."""
    if not request.user.is_authenticated and not display_key:
        return _json(
            {
                "type": "error",
                "code": "unauthenticated",
                "message": _("Sign in to see live occupancy."),
            },
            status=401,
        )
    return _json(
        {
            "type": "error",
            "code": "forbidden",
            "message": _("You may not see this live occupancy."),
        },
        status=403,
    )


# --- JSON snapshots for polling -----------------------------------------------------------


@require_GET
def occupancy_json(request, slug):
    """A centre's snapshot, as the websocket's first message. Session or `?display=<key>`."""
    space = Space.objects.filter(slug=slug, is_active=True).first()
    if space is None:
        return _json(
            {"type": "error", "code": "not_found", "message": _("No such centre.")}, status=404
        )
    display_key = request.GET.get("display", "")
    view = occupancy_view_for(user=request.user, space=space, display_key=display_key)
    if view is None:
        return _json_refusal(request, display_key=display_key)
    data = occupancy_snapshot(space=space, now=timezone.now(), with_names=view == "named")
    return _json({"type": "snapshot", "v": SNAPSHOT_VERSION, **data})


@require_GET
def network_json(request):
    """Every centre's row of the network view, as the network websocket's first message."""
    if not user_is_network_admin(user=request.user):
        return _json_refusal(request)
    centres = network_occupancy(now=timezone.now())
    return _json({"type": "snapshot", "v": SNAPSHOT_VERSION, "centres": centres})


# --- The host's dashboard -----------------------------------------------------------------


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
    if not user_works_at_space(user=request.user, space=space):
        raise PermissionDenied(_("Only the centre's hosts and staff see it live."))
    snapshot = occupancy_snapshot(space=space, now=timezone.now(), with_names=True)
    resources = _live_resources(snapshot)
    context = {
        "space": space,
        "snapshot_at": datetime.datetime.fromisoformat(snapshot["at"]),
        "resources": resources,
        "on_plan": [r for r in resources if r.plan],
        "rooms": [r for r in resources if r.is_room],
        "legend": _legend(resources),
        "figures": Figures.of(snapshot),
        "can_manage": user_manages_space(user=request.user, space=space),
        "network": user_is_network_admin(user=request.user),
        "live_config": _live_config(
            mode="space",
            socket=_space_socket(space),
            poll=reverse("web:occupancy-json", args=[space.slug]),
            time_zone=space.time_zone,
            seq=snapshot["seq"],
        ),
    }
    return _no_store(render(request, "cowork/live/dashboard.html", context))


# --- Displays -----------------------------------------------------------------------------


@require_GET
def display(request, key):
    """A room's door or a lobby screen, opened by its key: no sign-in, never a name."""
    token = (
        DisplayToken.objects.select_related("space", "room")
        .filter(key_hash=DisplayToken.hash(key), revoked_at__isnull=True, space__is_active=True)
        .first()
    )
    if token is None:
        return _no_store(render(request, "cowork/live/display_gone.html", status=404))
    space = token.space
    snapshot = occupancy_snapshot(space=space, now=timezone.now(), with_names=False)
    resources = _live_resources(snapshot)
    context = {
        "space": space,
        "token": token,
        "snapshot_at": datetime.datetime.fromisoformat(snapshot["at"]),
        "figures": Figures.of(snapshot),
        "live_config": _live_config(
            mode="room" if token.room_id else "lobby",
            socket=_space_socket(space, key),
            poll=reverse("web:occupancy-json", args=[space.slug]) + f"?display={key}",
            time_zone=space.time_zone,
            seq=snapshot["seq"],
            room=token.room_id,
        ),
    }
    if token.room_id:
        room = next((r for r in resources if r.id == token.room_id), None)
        if room is None:
            return _no_store(render(request, "cowork/live/display_gone.html", status=404))
        check_in = request.build_absolute_uri(reverse("web:qr-check-in", args=[room.id]))
        context.update(
            room=room,
            qr=qr_svg(check_in, title=room.name, css_class="display-qr"),
            check_in_url=check_in,
        )
        template = "cowork/live/display_room.html"
    else:
        context.update(
            on_plan=[r for r in resources if r.plan],
            rooms=[r for r in resources if r.is_room],
            legend=_legend(resources),
        )
        template = "cowork/live/display_lobby.html"
    response = render(request, template, context)
    # The key is in the address: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex"
    return _no_store(response)


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
    return _no_store(render(request, "cowork/live/displays.html", context, status=status))


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


# --- The network view ---------------------------------------------------------------------


@dataclass(frozen=True)
class CentreRow:
    id: int
    name: str
    city: str
    slug: str
    desks: int
    desks_in_use: int
    figures: Figures

    @property
    def desk_percent(self) -> int:
        return min(100, round(100 * self.desks_in_use / max(self.desks, 1)))


@login_required
@require_GET
def network_live(request):
    """Every centre at once, by country: desks in use, head count, visits. Network admins."""
    if not user_is_network_admin(user=request.user):
        raise PermissionDenied(_("Only network administrators see the whole network."))
    centres = network_occupancy(now=timezone.now())
    slugs = dict(Space.objects.filter(is_active=True).values_list("pk", "slug"))
    country_names = dict(COUNTRIES)
    groups: dict[str, list[CentreRow]] = {}
    for centre in centres:
        groups.setdefault(centre["country"], []).append(
            CentreRow(
                id=centre["id"],
                name=centre["name"],
                city=centre["city"],
                slug=slugs.get(centre["id"], ""),
                desks=centre["desks"],
                desks_in_use=centre["desks_in_use"],
                figures=Figures.of(centre),
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
        "loaded_at": timezone.now(),
        "live_config": _live_config(
            mode="network", socket=NETWORK_SOCKET, poll=reverse("web:network-json")
        ),
    }
    return _no_store(render(request, "cowork/live/network.html", context))
