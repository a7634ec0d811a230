"""Turn relayed domain events into live updates and hand them to the channel layer.

Subscribed to every domain event by RealtimeConfig.ready(). Each update is encoded here,
once, in both variants (with names for hosts, without for everyone else); the hubs pass
the text on unchanged. If the layer is unreachable the exception reaches the relay, which
leaves the event unpublished for a later relay: nothing is lost.
"""

from channels.layers import get_channel_layer
from django.utils import timezone

from cowork.models import DomainEvent, DomainEventKind, Space
from cowork.selectors.live import LiveState, live_read, network_centre
from cowork.selectors.occupancy import resource_occupancy
from realtime import protocol, sending
from realtime.groups import network_group, space_group

# Catch-up reads at most this many missed events; a client further behind resyncs.
CATCH_UP_LIMIT = 200


# The keys of `centre_now`'s figures a space's own delta carries (`space_figures`'); the
# network's row carries them all.
SPACE_FIGURES = ("head_count", "safety_capacity", "visits_today", "unique_visitors_today")


def space_update(event: DomainEvent, *, space: Space, now, read: tuple | None = None) -> dict:
    """The layer message for one event of a space: the delta in both variants.

    `read`: what `live_read` returned for the event's resource at `now`, if read already.
    """
    named = anonymous = None
    resource_id = event.payload.get("resource")
    resource, bookings, figures = read or live_read(space=space, now=now, resource_id=resource_id)
    if resource is not None:
        named, anonymous = resource_occupancy(resource=resource, now=now, bookings=bookings)
    figures = {key: figures[key] for key in SPACE_FIGURES}
    message = {
        "type": "occupancy.update",
        "seq": event.space_seq,
        "named": protocol.encode(
            protocol.delta(seq=event.space_seq, event=event.kind, resource=named, figures=figures)
        ),
        "anonymous": protocol.encode(
            protocol.delta(
                seq=event.space_seq, event=event.kind, resource=anonymous, figures=figures
            )
        ),
    }
    if event.kind == DomainEventKind.DISPLAY_REVOKED:
        message["revoked_display"] = event.payload.get("display")
    return message


def publish_domain_event(event: DomainEvent) -> None:
    """Relay subscriber: send the event's update to its space's group and the network's."""
    if event.space_id is None or event.space_seq is None:
        return
    # The committing request's event still holds the space it was recorded with, and
    # the relay's take left the space with it.
    space = (
        event.space if DomainEvent.space.is_cached(event) else Space.objects.get(pk=event.space_id)
    )
    # The resource, its bookings and the centre's figures, for both deltas: as the relay
    # read them when it took the event, else in one read here.
    state = event.live_state
    if state is None:
        now = timezone.now()
        state = LiveState(
            now, *live_read(space=space, now=now, resource_id=event.payload.get("resource"))
        )
    now = state.now
    layer = get_channel_layer()
    update = space_update(event, space=space, now=now, read=state[1:])
    centre = network_centre(space=space, now=now, figures=state.figures)
    text = protocol.encode(protocol.network_delta(centre))
    network = {"type": "occupancy.update", "named": text, "anonymous": text}

    async def send_both():
        await layer.group_send(space_group(space.pk), update)
        await layer.group_send(network_group(), network)

    # One trip to the event loop for both (`sending.run`).
    sending.run(send_both)


def space_updates_after(*, space_id: int, seq: int) -> list[dict]:
    """Updates for the space's events after `seq`, for a hub that missed them."""
    space = Space.objects.get(pk=space_id)
    now = timezone.now()
    events = DomainEvent.objects.filter(space_id=space_id, space_seq__gt=seq).order_by("space_seq")[
        :CATCH_UP_LIMIT
    ]
    return [space_update(event, space=space, now=now) for event in events]


def latest_seqs(space_ids: list[int]) -> dict[int, int]:
    return dict(Space.objects.filter(pk__in=space_ids).values_list("pk", "event_seq"))
