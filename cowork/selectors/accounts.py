"""Reads about accounts: who waits for a host's approval, and whom a centre admits."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from cowork.models import Invitation, Membership, Space


def memberships_waiting(*, space: Space) -> QuerySet[Membership]:
    """People who signed up for `space` and wait for a host, oldest first."""
    return (
        Membership.objects.filter(space=space, status=Membership.Status.PENDING)
        .select_related("member__user")
        .order_by("created_at", "pk")
    )


def user_admitted_at(*, user, space: Space) -> bool:
    """Whether `user` may use `space` as a member: any centre that asks no approval, else
    an approved membership there."""
    if not space.members_need_approval:
        return True
    return Membership.objects.filter(
        member__user=user, space=space, status=Membership.Status.APPROVED
    ).exists()


def invitations_recent(*, space: Space, limit: int = 20) -> QuerySet[Invitation]:
    """The centre's latest invitations, newest first, with who accepted them."""
    return (
        Invitation.objects.filter(space=space)
        .select_related("accepted_by__user", "invited_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def invitations_live(invitations: QuerySet[Invitation], *, now) -> QuerySet[Invitation]:
    """Those of `invitations` whose link still works: not accepted, withdrawn or expired."""
    return invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
    )


def role_invitations_pending(*, space: Space, now) -> QuerySet[Invitation]:
    """The centre's invitations to work there (host or staff) that still work, soonest to
    expire first."""
    return invitations_live(
        Invitation.objects.filter(space=space, role__isnull=False), now=now
    ).order_by("expires_at", "pk")


def person_time_zone(*, user) -> str | None:
    """The zone a person lives by: their first centre's, approved before asked; None for none."""
    membership = (
        Membership.objects.filter(member__user=user)
        .exclude(status=Membership.Status.DECLINED)
        .select_related("space")
        .order_by(
            Case(
                When(status=Membership.Status.APPROVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "created_at",
        )
        .first()
    )
    return membership.space.time_zone if membership else None
