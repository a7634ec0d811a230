"""A centre itself: created by a network admin for a partner NGO, then kept by its hosts."""

from django.db import transaction

from cowork.models import DomainEventKind, Organization, Space
from cowork.models.spaces import BOOKING_RULE_FIELDS, DETAIL_FIELDS
from cowork.selectors.access import user_is_network_admin
from cowork.services.centres._common import (
    apply_changes,
    managed_space,
    record,
    require_network_admin,
    validated,
)

# What the centre's hosts keep: its words, its booking rules, its SMS manners.
HOST_FIELDS = {
    # details and texts
    *DETAIL_FIELDS,
    "languages",
    "translations",
    # booking rules
    *BOOKING_RULE_FIELDS,
    # SMS
    "sms_sender_id",
    "sms_reminders",
    "sms_quiet_from",
    "sms_quiet_until",
    "phone_countries",
    # floor plan
    "floor_plan_width",
    "floor_plan_height",
}
# What costs the network money or moves every booking in time: network admins only.
NETWORK_FIELDS = {
    "organization",
    "slug",
    "country",
    "time_zone",
    "is_active",
    "sms_messaging_service_sid",
    "sms_monthly_budget",
    "sms_unverified_daily_limit",
}


def space_create(*, organization: Organization, by, **fields) -> Space:
    """A new centre of a partner NGO, by a network admin; its hours and people come next.

    `fields` are Space fields (name, slug, city, country, time_zone, languages,
    safety_capacity, …); the model's checks apply.
    """
    require_network_admin(user=by)
    space = Space(organization=organization)
    apply_changes(space, fields, allowed=(HOST_FIELDS | NETWORK_FIELDS) - {"organization"})
    validated(space)
    with transaction.atomic():
        space.save()
        record(
            DomainEventKind.SPACE_CREATED,
            aggregate=space,
            space=space,
            by=by,
            organization=organization.pk,
            name=space.name,
        )
    return space


def space_update(*, space: Space, by, changes: dict) -> Space:
    """Change a centre's details, rules or SMS settings; network-only fields need an admin.

    Returns the centre as saved. Nothing is written when nothing changed.
    """
    allowed = HOST_FIELDS | (NETWORK_FIELDS if user_is_network_admin(user=by) else set())
    with transaction.atomic():
        fresh = managed_space(space.pk, by=by)
        changed = apply_changes(fresh, changes, allowed=allowed)
        if not changed:
            return fresh
        validated(fresh)
        fresh.save(update_fields=changed)
        record(DomainEventKind.SPACE_UPDATED, aggregate=fresh, space=fresh, by=by, fields=changed)
    return fresh
