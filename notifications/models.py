"""What notifications keep of their own: calendar feed tokens and the invites already sent."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarFeedToken(models.Model):
    """The secret in a private feed's URL. Only its hash is kept; the key is shown once.

    A rotation revokes the current token and makes a new one in one transaction, so an
    owner holds at most one live token per kind and an old URL stops working at once.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", _("My bookings and events")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked or rotated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_token_one_live_per_kind",
            ),
        ]

    def __str__(self):
        state = "revoked" if self.revoked_at else "live"
        return f"{self.owner} · {self.kind} · {state}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        # 32 random bytes (256 bits). A key this long needs no slow hash: the lookup by its
        # SHA-256 finds it or not, and a stored hash is never shown to anyone.
        return secrets.token_urlsafe(32)


class SentInvite(models.Model):
    """An iTIP message (REQUEST or CANCEL) claimed for sending, so it goes out once.

    The row is inserted before the e-mail is sent; the unique constraint makes a second
    delivery of the same domain event (the relay may deliver twice) find it and stop.
    """

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "REQUEST"
        CANCEL = "CANCEL", "CANCEL"

    uid = models.CharField(_("UID"), max_length=255)
    sequence = models.PositiveIntegerField(_("sequence"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    recipient = models.EmailField(_("recipient"))
    domain_event_id = models.BigIntegerField(_("domain event"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent invite")
        verbose_name_plural = _("sent invites")
        constraints = [
            models.UniqueConstraint(fields=["uid", "sequence", "method"], name="sent_invite_once"),
        ]

    def __str__(self):
        return f"{self.method} {self.uid} #{self.sequence} → {self.recipient}"
