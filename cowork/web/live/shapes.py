"""What the live pages show, built from an occupancy snapshot: resources in their states
with words and symbols, the head count's figures, the legend, what live.js says and how
it connects, and the JSON answers with their refusals.

The JSON has the shape of the websocket's snapshot. It is built here rather than with
realtime.protocol, because the web layer, like the domain, never imports realtime.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cowork.models import DomainEventKind, Event, Resource, Space
from cowork.selectors.occupancy import BOOKED, FREE, OCCUPIED, OUT_OF_SERVICE, RELEASED

# realtime.protocol.PROTOCOL_VERSION; tests/cowork/web/test_live.py keeps the two equal.
SNAPSHOT_VERSION = 1
# What the live feed lists; other events only change the plan and the figures.
FEED_EVENTS = {
    DomainEventKind.BOOKING_CHECKED_IN: gettext_lazy("checked in"),
    DomainEventKind.BOOKING_CHECKED_OUT: gettext_lazy("checked out"),
    DomainEventKind.BOOKING_RELEASED: gettext_lazy("released — nobody came"),
    DomainEventKind.BOOKING_CREATED: gettext_lazy("booked"),
    DomainEventKind.BOOKING_CANCELLED: gettext_lazy("booking cancelled"),
    DomainEventKind.WALK_IN_RECORDED: gettext_lazy("A walk-in visitor came in"),
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


def space_socket(space: Space, display_key: str = "") -> str:
    # The route is realtime/routing.py's; it is not a Django URL, so it cannot be reversed.
    query = f"?display={display_key}" if display_key else ""
    return f"/ws/spaces/{space.pk}/occupancy/{query}"


NETWORK_SOCKET = "/ws/network/occupancy/"


@dataclass(frozen=True)
class LiveEvent:
    """The event a room booking is for: what to call it, and how many are in."""

    kind: str
    title: str
    present: int

    @property
    def label(self) -> str:
        # A closed event's title is not for the door: it says what kind of event it is.
        return self.title or str(Event.Kind(self.kind).label)

    @property
    def present_text(self) -> str:
        return _("In the room: %(count)s") % {"count": self.present}


@dataclass(frozen=True)
class LiveBooking:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    holder: str
    purpose: str
    today: bool
    event: LiveEvent | None = None

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
            event=LiveEvent(**view["event"]) if view.get("event") else None,
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

    @property
    def holder(self) -> str:
        """Who holds it now, for the host's plan: "Dmytro S.". Empty in a snapshot without
        names (displays, the public), and when nobody is booked in."""
        if self.current is None or not self.in_use:
            return ""
        return short_name(self.current.holder)

    # A room has room for the name inside; a desk is full, so it goes just below the desk.
    @property
    def holder_y(self) -> int:
        if self.is_room:
            return self.state_y + 22
        return self.plan[1] + self.plan[3] + 12


def short_name(full_name: str) -> str:
    """A first name and the initial of the last: short enough for a desk on the plan.
    live.js shortens names the same way."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return f"{words[0]} {words[-1][0]}."


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


def live_resources(snapshot: dict, *, names: dict[int, str] | None = None) -> list[LiveResource]:
    """The snapshot's resources for a template; `names` (by id) in the reader's language,
    where the snapshot, shared by readers of every language, has them as typed."""
    today = datetime.datetime.fromisoformat(snapshot["at"]).date()
    names = names or {}
    return [
        LiveResource(
            id=item["id"],
            name=names.get(item["id"], item["name"]),
            kind=item["kind"],
            state=item["state"],
            plan=tuple(item["plan"]) if item["plan"] else None,
            current=LiveBooking.of(item["current"], today=today),
            next=LiveBooking.of(item["next"], today=today),
        )
        for item in snapshot["resources"]
    ]


def legend(resources: list[LiveResource]) -> list[tuple[str, str, str, int]]:
    """(state, description, symbol, desks in it) for every state, in a fixed order."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    for resource in resources:
        if resource.kind == Resource.Kind.DESK:
            counts[resource.state] += 1
    return [
        (state, str(STATE_DESCRIPTIONS[state]), STATE_SYMBOLS[state], count)
        for state, count in counts.items()
    ]


def js_strings() -> dict:
    """What live.js says, translated here: the script itself carries no words."""
    return {
        "status": {
            "connecting": _("Connecting…"),
            "live": _("Live"),
            "reconnecting": _("Reconnecting…"),
            "offline": _("Offline — showing data from %(time)s"),
            "offline_age": _("Offline — as of %(time)s, %(age)s"),
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
        "in_room": _("In the room: %(count)s"),
        "event_kinds": {kind: str(label) for kind, label in Event.Kind.choices},
        "waiting": _("Not checked in yet"),
        "level": {
            "ok": "",
            "near": _("Near capacity"),
            "over": _("Over capacity"),
        },
    }


def live_config(*, mode: str, socket: str, poll: str, time_zone: str = "", **extra) -> dict:
    return {
        "mode": mode,
        "socket": socket,
        "poll": poll,
        "pollSeconds": settings.LIVE_POLL_SECONDS,
        "timeZone": time_zone,
        "strings": js_strings(),
        **extra,
    }


def no_store(response):
    # Occupancy is stale within seconds; no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


def json_response(data: dict, *, status: int = 200) -> JsonResponse:
    return no_store(
        JsonResponse(
            data,
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    )


def json_refusal(request, *, display_key: str = "") -> JsonResponse:
    """401 for someone who has not said who they are; 403 for someone who may not look."""
    if not request.user.is_authenticated and not display_key:
        return json_response(
            {
                "type": "error",
                "code": "unauthenticated",
                "message": _("Sign in to see live occupancy."),
            },
            status=401,
        )
    return json_response(
        {
            "type": "error",
            "code": "forbidden",
            "message": _("You may not see this live occupancy."),
        },
        status=403,
    )
