"""A host's decision on a person who asked to use a centre that wants approval."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed, NotFound, RuleViolation
from cowork.models import DomainEventKind, Membership, Space
from cowork.selectors.access import user_manages_space
from cowork.services.outbox import domain_event_record

_APPROVED, _DECLINED = DomainEventKind.MEMBERSHIP_APPROVED, DomainEventKind.MEMBERSHIP_DECLINED


def membership_decide(
    *,
    membership_id: int,
    space: Space,
    host,
    approve: bool,
    now: datetime.datetime | None = None,
) -> Membership:
    """Approve or decline a waiting membership of `space`; the person is told by SMS.

    Refused unless `host` manages the centre and the membership is still waiting, so a
    second click (or a second host) changes nothing and tells nobody twice.
    """
    if not user_manages_space(user=host, space=space):
        raise NotAllowed(_("Only the centre's hosts approve its members."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("member__user")
            .filter(pk=membership_id, space=space)
            .first()
        )
        if membership is None:
            raise NotFound(_("No such person waits at this centre."))
        if membership.status != Membership.Status.PENDING:
            raise RuleViolation(
                _("This person was already approved or declined."), code="already_decided"
            )
        membership.status = Membership.Status.APPROVED if approve else Membership.Status.DECLINED
        membership.decided_at = now or timezone.now()
        membership.decided_by = host
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        domain_event_record(
            kind=DomainEventKind.MEMBERSHIP_APPROVED
            if approve
            else DomainEventKind.MEMBERSHIP_DECLINED,
            aggregate=membership,
            space=None,
            payload={"space": space.pk},
        )
    return membership
