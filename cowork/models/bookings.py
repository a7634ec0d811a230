"""Bookings of resources, the series that repeat them, and the tokens the API is used with."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import SecretKeyed
from cowork.models.resources import Resource
from cowork.models.spaces import Space


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Released (no-show)")
    DECLINED = "declined", _("Declined")


# Bookings in these states hold their resource; the overlap constraint covers only them.
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
# Not under way yet: a booking in these states may still be moved, cancelled or confirmed.
CHANGEABLE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


class Series(models.Model):
    """A repeated booking: one RFC 5545 rule, read in the space's local time.

    `first_start_local` is a wall-clock time, so a course at 10:00 stays at 10:00 across a
    DST change; each occurrence is a Booking of its own, linked here.
    """

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="series", verbose_name=_("resource")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="booking_series",
        verbose_name=_("booked by"),
    )
    rrule = models.CharField(
        _("recurrence rule"), max_length=300, help_text="RFC 5545, e.g. FREQ=WEEKLY;BYDAY=TU,TH"
    )
    first_start_local = models.DateTimeField(_("first start (local wall time)"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return f"{self.resource} · {self.rrule}"


class Booking(models.Model):
    """One resource held for the half-open interval [starts_at, ends_at), in UTC.

    `blocked_until` is `ends_at` plus the resource's buffer: the overlap guard covers
    [starts_at, blocked_until), so a room gets its cleaning time between two bookings.
    `sequence` grows on every change a calendar must hear about.
    """

    Status = BookingStatus

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resource")
    )
    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("space")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("booked by"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    blocked_until = models.DateTimeField(_("blocked until"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    series = models.ForeignKey(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("series"),
    )
    # Bookings made together (a room with its projector) share a group and stand or fall
    # together.
    group = models.UUIDField(_("group"), null=True, blank=True, db_index=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    attendance_confirmed_at = models.DateTimeField(
        _("attendance confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the person confirmed they will come, e.g. by replying YES."),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or declined by"),
    )
    decided_at = models.DateTimeField(_("approved or declined at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, help_text=_("Why it was declined or cancelled.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")), name="booking_blocks_past_end"
            ),
            # The no-overlap guard is an exclusion constraint on PostgreSQL, added by
            # migration 0003 (SQLite has none; its write path is serialized instead).
        ]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start"),
            models.Index(fields=["space", "starts_at"], name="booking_space_start"),
            models.Index(fields=["booked_by", "starts_at"], name="booking_member_start"),
        ]

    def __str__(self):
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # What may be done with a booking at `now`: the services refuse by these, and the pages
    # offer a button by them. Each reads `self.space` for its rules.

    @property
    def check_in_opens_at(self) -> datetime.datetime:
        """The space's `check_in_early_minutes` before the start."""
        return self.starts_at - datetime.timedelta(minutes=self.space.check_in_early_minutes)

    def can_cancel(self, now: datetime.datetime) -> bool:
        """Pending or confirmed, and not over yet.

        `booking_cancel` asks only for the status (`CHANGEABLE_STATUSES`): cancelling an
        event or the rest of a series takes along occurrences whose time has passed but
        which nobody has released yet.
        """
        return self.status in CHANGEABLE_STATUSES and now < self.ends_at

    def held_session(self):
        """The event session this booking holds a room for, or None for a plain booking:
        as the session's room, or as a further room of an event taking several. Select
        `event_session__event` and `event_session_room__session__event` to read it free."""
        for relation in ("event_session", "event_session_room"):
            try:
                related = getattr(self, relation)
            except ObjectDoesNotExist:
                continue
            return related if relation == "event_session" else related.session
        return None

    def scheduled_event(self):
        """The scheduled (not cancelled) event whose room this booking is, if any."""
        session = self.held_session()
        if session is None or session.event.status != session.event.Status.SCHEDULED:
            return None
        return session.event

    def can_check_in(self, now: datetime.datetime) -> bool:
        """Confirmed, from `check_in_opens_at` until the end."""
        return (
            self.status == BookingStatus.CONFIRMED and self.check_in_opens_at <= now < self.ends_at
        )

    def can_check_out(self, now: datetime.datetime) -> bool:
        """Checked in; checking out later than the end completes it at the end."""
        return self.status == BookingStatus.CHECKED_IN


class ApiToken(SecretKeyed, models.Model):
    """A bearer token for the API. Only its hash is kept; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("Shown to tell tokens apart."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def new_key() -> str:
        # 32 random bytes: far beyond guessing, and the hash lookup needs no constant-time
        # comparison because an attacker never sees a stored hash.
        return "cwk_" + secrets.token_urlsafe(32)


def new_group_id() -> uuid.UUID:
    return uuid.uuid4()
