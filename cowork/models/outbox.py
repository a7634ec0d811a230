"""The outbox: domain events written in the same transaction as the change they describe."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DomainEventKind(models.TextChoices):
    """Every kind of domain event: what services record and subscribers subscribe to.

    The values are stored in the outbox and sent to live clients as the `event` of a delta
    (`realtime.protocol`), so a value never changes once released. Each kind is labelled
    with its own value, as the outbox's admin has always shown it: a name for the network
    admins who read the outbox, not a sentence to translate.
    """

    BOOKING_CREATED = "booking.created"
    BOOKING_REQUESTED = "booking.requested"
    BOOKING_APPROVED = "booking.approved"
    BOOKING_DECLINED = "booking.declined"
    BOOKING_MOVED = "booking.moved"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_RELEASED = "booking.released"
    BOOKING_CHECKED_IN = "booking.checked_in"
    BOOKING_CHECKED_OUT = "booking.checked_out"
    BOOKING_ATTENDANCE_CONFIRMED = "booking.attendance_confirmed"
    INVOICE_ISSUED = "invoice.issued"
    BOOKING_PAID = "booking.paid"
    BOOKING_PAYMENT_UNDONE = "booking.payment_undone"
    SERIES_CREATED = "series.created"
    REGISTRATION_CONFIRMED = "registration.confirmed"
    REGISTRATION_PENDING = "registration.pending"
    REGISTRATION_WAITLISTED = "registration.waitlisted"
    REGISTRATION_PROMOTED = "registration.promoted"
    REGISTRATION_CANCELLED = "registration.cancelled"
    REGISTRATION_ATTENDANCE_CONFIRMED = "registration.attendance_confirmed"
    EVENT_CREATED = "event.created"
    EVENT_CANCELLED = "event.cancelled"
    ATTENDANCE_MARKED = "attendance.marked"
    ATTENDANCE_UNMARKED = "attendance.unmarked"
    DISPLAY_REVOKED = "display.revoked"
    MEMBER_REMINDERS_CHANGED = "member.reminders_changed"
    PERSON_ERASED = "person.erased"
    MEMBERSHIP_APPROVED = "membership.approved"
    MEMBERSHIP_DECLINED = "membership.declined"
    MEMBERSHIP_REQUESTED = "membership.requested"
    MEMBER_PHONE_CHANGED = "member.phone_changed"
    SIGN_UP_WITH_TAKEN_PHONE = "member.sign_up_with_taken_phone"

    SPACE_CREATED = "space.created"
    SPACE_UPDATED = "space.updated"
    SPACE_HOURS_CHANGED = "space.hours_changed"
    CLOSURE_ADDED = "closure.added"
    CLOSURE_REMOVED = "closure.removed"
    RESOURCE_CREATED = "resource.created"
    RESOURCE_UPDATED = "resource.updated"
    RESOURCE_PLACED = "resource.placed"
    RESOURCE_RETIRED = "resource.retired"
    RESOURCE_RESTORED = "resource.restored"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"

    WAIT_JOINED = "wait.joined"
    WAIT_LEFT = "wait.left"
    WAIT_OFFERED = "wait.offered"
    WAIT_ACCEPTED = "wait.accepted"
    WAIT_DECLINED = "wait.declined"
    WAIT_OFFER_EXPIRED = "wait.offer_expired"

    DONOR_REPORT_DUE = "donor_report.due"
    WALK_IN_RECORDED = "walk_in.recorded"

    @property
    def label(self) -> str:
        return self.value


class DomainEvent(models.Model):
    """Something that happened in the domain, waiting to be relayed after commit.

    The id orders events; `space_seq` numbers a space's events without gaps, so a live
    client can tell it missed one. The relay sets `published_at`; a row without it has not
    been relayed yet.
    """

    kind = models.CharField(_("kind"), max_length=80, choices=DomainEventKind.choices)
    aggregate_type = models.CharField(_("aggregate type"), max_length=40)
    aggregate_id = models.CharField(_("aggregate id"), max_length=40)
    space = models.ForeignKey(
        "cowork.Space",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space"),
    )
    space_seq = models.PositiveBigIntegerField(
        _("number within the space"),
        null=True,
        blank=True,
        help_text=_("1, 2, 3… per space, without gaps, in commit order of the space's writes."),
    )
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set by the relay that is handing the event over, so no other relay does it at the
    # same time; a claim left by a relay that died lapses at this time.
    claimed_until = models.DateTimeField(_("claimed by a relay until"), null=True, blank=True)
    # Set when the live subscribers (the occupancy delta) took the event, by the commit's
    # own relay or a later one; `published_at` follows once the task lane took it too.
    live_at = models.DateTimeField(_("relayed live at"), null=True, blank=True)

    # Not a column: what the live relay read when it took the event, for its subscribers
    # (`cowork.outbox._take_live`, a `cowork.selectors.live.LiveState`); None otherwise.
    live_state = None

    class Meta:
        ordering = ["id"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "space_seq"], name="domainevent_space_seq_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(published_at__isnull=True),
                name="domainevent_unpublished",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.aggregate_type}:{self.aggregate_id}"
