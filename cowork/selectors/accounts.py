"""Reads about accounts: who waits for a host's approval, and whom a centre admits."""

from django.db.models import QuerySet

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
