"""What waits for a host's decision: booking requests, people asking to join a centre, and
registrations held for approval, at every centre the host manages (`spaces_managed_by`).

One home for the rule, read by the inbox page, the header's count and the hosts' notice:
a booking request counts until its end has passed (no decision makes sense after it), a
registration while its event is scheduled and not over, a membership until decided.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, DateTimeField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cowork.db import Param
from cowork.models import (
    Booking,
    BookingStatus,
    Event,
    Membership,
    Registration,
    RegistrationStatus,
    Space,
    SpaceRole,
)
from cowork.selectors.access import PreparedOverManagedSpaces, spaces_managed_by


def _bookings(now: datetime.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(status=BookingStatus.PENDING, ends_at__gt=now)


def _registrations(now: datetime.datetime) -> QuerySet[Registration]:
    return Registration.objects.filter(
        status=RegistrationStatus.PENDING,
        event__status=Event.Status.SCHEDULED,
        event__ends_at__gt=now,
    )


def _memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(status=Membership.Status.PENDING)


def bookings_waiting(*, host, now: datetime.datetime) -> QuerySet[Booking]:
    """Booking requests at the host's centres, soonest first."""
    return (
        _bookings(now)
        .filter(space__in=spaces_managed_by(user=host))
        .select_related("resource", "space", "booked_by")
        .order_by("starts_at", "pk")
    )


def registrations_waiting(*, host, now: datetime.datetime) -> QuerySet[Registration]:
    """Registrations held for approval at events of the host's centres, soonest event first."""
    return (
        _registrations(now)
        .filter(event__space__in=spaces_managed_by(user=host))
        .select_related("event__space", "participant")
        .order_by("event__starts_at", "created_at", "pk")
    )


def memberships_waiting_for(*, host) -> QuerySet[Membership]:
    """People who asked to use one of the host's centres, oldest first."""
    return (
        _memberships()
        .filter(space__in=spaces_managed_by(user=host))
        .select_related("member__user", "space")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class InboxSummary:
    manages: bool  # the person manages at least one centre
    waiting: int  # what waits for them there, all kinds together


def _count_per_space(rows: QuerySet, space_field: str) -> Coalesce:
    per_space = (
        rows.filter(**{space_field: OuterRef("pk")})
        .order_by()
        .values(space_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_space, output_field=IntegerField()), 0)


def _waiting_per_space(spaces: QuerySet[Space]) -> QuerySet:
    now = Param("now", DateTimeField())
    return spaces.order_by().values_list(
        _count_per_space(_bookings(now), "space"),
        _count_per_space(_registrations(now), "event__space"),
        _count_per_space(_memberships(), "space"),
    )


# The header asks it on every page a host opens: built and compiled once.
_WAITING_PER_SPACE = PreparedOverManagedSpaces(_waiting_per_space)


def host_inbox_summary(*, user, now: datetime.datetime) -> InboxSummary:
    """Whether `user` manages a centre and how much waits for them there, in one query.

    The header asks it of everyone who works at a centre, so it is the one query the
    header spends on hosts: the centres managed, each with its three counts, summed.
    """
    rows = _WAITING_PER_SPACE.rows(user=user, now=now)
    return InboxSummary(manages=bool(rows), waiting=sum(sum(row) for row in rows))


def hosts_to_tell(*, space: Space) -> QuerySet:
    """Who hears that something waits at `space`: the hosts of its organization (who
    manage it and see it in their inbox), active and with a phone. Network admins see it
    in their inbox too, but are not texted about every centre of the network."""
    hosting = SpaceRole.objects.filter(
        role=SpaceRole.Role.HOST, space__organization_id=space.organization_id
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=hosting), is_active=True, member__phone__isnull=False)
        .exclude(member__phone="")
        .select_related("member")
        .order_by("pk")
    )
