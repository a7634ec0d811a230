"""Waiting for a room or desk: a member's place in line for a taken window, and the offers
made to the first in line when a booking that held it is cancelled, released or declined."""

import base64
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from cowork.models.bookings import Booking
from cowork.models.resources import Resource
from cowork.models.spaces import Space

# How long the first in line has to accept before the offer passes to the next.
OFFER_MINUTES = 30


class WaitStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    BOOKED = "booked", _("Booked")
    LEFT = "left", _("Left the waitlist")
    DECLINED = "declined", _("Offer declined")
    MISSED = "missed", _("Offer expired")


# A wait in these states is still in line (an offered one holds the first place).
OPEN_WAIT_STATUSES = (WaitStatus.WAITING, WaitStatus.OFFERED)


class ResourceWait(models.Model):
    """A member waiting for `resource` (or, with none, any desk of `space`) to be free over
    [starts_at, ends_at). Its place in line is its creation order among the open waits."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="resource_waits", verbose_name=_("centre")
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waits",
        verbose_name=_("room or desk"),
        help_text=_("Empty: any desk of the centre."),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resource_waits",
        verbose_name=_("member"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=WaitStatus.choices, default=WaitStatus.WAITING
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking made"),
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waitlist place")
        verbose_name_plural = _("waitlist places")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="resource_wait_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["space", "status", "starts_at"], name="resource_wait_open"),
        ]

    def __str__(self):
        return f"{self.member} · {self.resource or 'any desk'} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WAIT_STATUSES


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResourceWaitOffer(models.Model):
    """A freed `resource` offered to the first in line until `expires_at`; accepted, it is
    booked through the booking service; declined or expired, it passes to the next."""

    wait = models.ForeignKey(
        ResourceWait, on_delete=models.CASCADE, related_name="offers", verbose_name=_("wait")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="+", verbose_name=_("room or desk")
    )
    # The booking whose end freed the resource: what the offer is "because of".
    freed_by = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("freed by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    offered_at = models.DateTimeField(_("offered at"))
    expires_at = models.DateTimeField(_("expires at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        constraints = [
            # One open offer per wait: a relay delivering "booking cancelled" twice offers once.
            models.UniqueConstraint(
                fields=["wait"], condition=Q(status="open"), name="resource_wait_one_open_offer"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="resource_offer_due")]

    def __str__(self):
        return f"offer #{self.pk} of {self.resource} ({self.status})"

    def is_live(self, now: datetime.datetime) -> bool:
        return self.status == OfferStatus.OPEN and now < self.expires_at

    # The link in the message: the offer's id and a keyed hash of it, short enough for an
    # SMS. Nothing is stored; SECRET_KEY signs it, and the offer's status and expiry decide
    # whether it still works.
    def link_key(self) -> str:
        return f"{self.pk:x}-{_digest(self.pk)}"

    @classmethod
    def from_link_key(cls, key: str):
        """The offer `key` names, or None for a key we did not make."""
        number, _dash, digest = key.partition("-")
        try:
            pk = int(number, 16)
        except ValueError:
            return None
        if not constant_time_compare(digest, _digest(pk)):
            return None
        return (
            cls.objects.select_related("wait__member", "wait__space", "resource__space")
            .filter(pk=pk)
            .first()
        )


def _digest(pk: int) -> str:
    mac = salted_hmac("cowork.wait-offer", str(pk), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac[:12]).decode().rstrip("=")
