"""Tokens for room displays and lobby screens."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DisplayToken, DomainEventKind, Resource, Space
from cowork.selectors.access import user_manages_space
from cowork.services.outbox import domain_event_record


def display_token_create(
    *, space: Space, host, name: str, room: Resource | None = None
) -> tuple[DisplayToken, str]:
    """Create a display for `space` (optionally for one room); return it and its key, shown once."""
    if not user_manages_space(user=host, space=space):
        raise NotAllowed(_("Only the centre's hosts set up displays."))
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the display a name, e.g. “Meeting room door”."), code="no_name")
    if room is not None and (room.space_id != space.pk or room.kind != Resource.Kind.ROOM):
        raise InvalidInput(_("Choose a room of this centre."), code="bad_room")
    key = DisplayToken.new_key()
    with transaction.atomic():
        token = DisplayToken.objects.create(
            space=space,
            room=room,
            name=name[:100],
            key_hash=DisplayToken.hash(key),
            created_by=host,
        )
    return token, key


def display_token_revoke(*, token: DisplayToken, host) -> DisplayToken:
    """Stop a display at once: its next connection or poll is refused."""
    if not user_manages_space(user=host, space=token.space):
        raise NotAllowed(_("Only the centre's hosts revoke displays."))
    with transaction.atomic():
        token = DisplayToken.objects.select_for_update().select_related("space").get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            # Screens already connected hear of it and are disconnected.
            domain_event_record(
                kind=DomainEventKind.DISPLAY_REVOKED,
                aggregate=token,
                space=token.space,
                payload={"display": token.pk},
            )
    return token
