"""What notifications keep of their own: calendar feed tokens and the invites already sent."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import SecretKeyed
from cowork.models.spaces import COUNTRIES
from cowork.phones import mask_phone_for_staff


class CalendarFeedToken(SecretKeyed, models.Model):
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


class SentDonorReport(models.Model):
    """A donor's monthly report e-mail, from the moment it is due until it went, once.

    Inserted (PENDING) when the domain event arrives; a second delivery of the event finds
    it and stops. A sender claims it by moving it to SENDING in one UPDATE, so two workers
    never send one report, builds the message, and marks it HANDING just before the mail
    server is spoken to; a failed send puts it back with a later `next_attempt_at`, up to a
    bound, then FAILED. One a dead worker left SENDING never reached the server and is tried
    again; one left HANDING may have gone or not, which no mail server can be asked: it
    becomes UNKNOWN and is sent again only by a network admin who asked the donor
    (`notifications.donor_reports`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        HANDING = "handing", _("Being handed to the mail server")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Sent or not: unknown")
        CANCELLED = "cancelled", _("No longer due")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    month = models.DateField(_("month"))
    recipient = models.EmailField(_("recipient"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    error = models.CharField(_("error detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sent donor report")
        verbose_name_plural = _("sent donor reports")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="sent_donor_report_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="donor_report_due"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} → {self.recipient}"


class Notification(models.Model):
    """One SMS to one person, from the moment it is due until the provider reports on it.

    Rows are made from domain events (`notifications.reminders`), never by scanning the
    calendar; `key` makes a second delivery of the same event find the row and stop. The
    dispatcher claims a due row by moving it from PENDING to SENDING in one UPDATE, so two
    workers never send one row; the body is rendered at the claim and kept, so a worker
    killed mid-send can be reconciled against the provider's log
    (`messaging.recovery.recover_stale`).
    """

    class Kind(models.TextChoices):
        BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
        BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled by the centre")
        BOOKING_MOVED = "booking_moved", _("Booking moved by the centre")
        BOOKING_RELEASED = "booking_released", _("Booking released as a no-show")
        BOOKING_REMINDER = "booking_reminder", _("Booking reminder")
        SERIES_CONFIRMED = "series_confirmed", _("Repeated booking confirmed")
        REGISTRATION_CONFIRMED = "registration_confirmed", _("Registration confirmed")
        REGISTRATION_WAITLISTED = "registration_waitlisted", _("Waitlisted")
        REGISTRATION_PROMOTED = "registration_promoted", _("Promoted from the waitlist")
        EVENT_REMINDER = "event_reminder", _("Event reminder")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")
        EVENT_MOVED = "event_moved", _("Event moved")
        SIGN_IN_CODE = "sign_in_code", _("Sign-in code")
        SIGN_UP_CODE = "sign_up_code", _("Sign-up code")
        RECOVERY_CODE = "recovery_code", _("Code to set a new password")
        PHONE_CHANGE_CODE = "phone_change_code", _("Code to confirm a new phone number")
        INVITATION = "invitation", _("Invitation to a centre")
        MEMBERSHIP_APPROVED = "membership_approved", _("Membership approved")
        MEMBERSHIP_DECLINED = "membership_declined", _("Membership declined")
        PHONE_CHANGED = "phone_changed", _("Phone number changed")
        SIGN_UP_ATTEMPT = "sign_up_attempt", _("Sign-up with a number that has an account")
        BOOKING_DECLINED = "booking_declined", _("Booking request declined")
        REGISTRATION_CANCELLED = "registration_cancelled", _("Registration cancelled by the centre")
        REGISTRATION_DECLINED = "registration_declined", _("Registration not approved")
        HOST_WAITING = "host_waiting", _("Requests waiting for a host")
        SERIES_CANCELLED = "series_cancelled", _("Repeated booking cancelled by the centre")
        WAIT_OFFER = "wait_offer", _("A room or desk waited for is free")
        HOST_INVITATION = "host_invitation", _("Invitation to host a centre")
        STAFF_INVITATION = "staff_invitation", _("Invitation to work at a centre as staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    space = models.ForeignKey(
        "cowork.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("centre"),
    )
    booking = models.ForeignKey(
        "cowork.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("booking"),
    )
    registration = models.ForeignKey(
        "cowork.Registration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        "cowork.EventSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    wait_offer = models.ForeignKey(
        "cowork.ResourceWaitOffer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waitlist offer"),
    )
    # Whom to, as they were when the row was made: a person may be known only by phone.
    phone = models.CharField(_("phone"), max_length=16)
    # The channel it went (or goes) on; empty until the send chooses one from the person's
    # order (`notifications.messaging.channels`). A fallback row names its channel.
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    language = models.CharField(_("language"), max_length=8)
    email = models.EmailField(_("e-mail"), blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    # Why the centre did what the message tells (a cancellation, a move), as the host gave
    # it in the change itself; empty: the booking's own reason, if any, or none.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Reminders: how long before the start they go out.
    minutes_before = models.PositiveIntegerField(_("minutes before"), null=True, blank=True)
    # Essential messages are sent even when the month's budget is spent.
    essential = models.BooleanField(_("essential"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("due at"))
    # Retries wait until here; equals due_at until the first transient failure.
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    segments = models.PositiveSmallIntegerField(_("segments"), default=0)
    # US dollars, at the price of a segment to the number's country when it was sent.
    cost = models.DecimalField(_("cost (USD)"), max_digits=8, decimal_places=4, default=0)
    provider_id = models.CharField(_("provider message id"), max_length=64, blank=True)
    provider_status = models.CharField(_("provider status"), max_length=20, blank=True)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_message = models.CharField(_("error detail"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed instead at"), null=True, blank=True)
    # Set when the message, to a number never reached before, took one of the day's SMS
    # to unverified numbers (the centre's allowance and the network's cap); empty otherwise.
    unverified_at = models.DateTimeField(
        _("taken from the allowance for unverified numbers at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=~Q(provider_id=""),
                name="notification_provider_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["space", "status", "sent_at"], name="notification_space_sent"),
            # Whether a number was ever reached, asked before each SMS to a non-member.
            models.Index(fields=["phone", "status"], name="notification_phone_status"),
            models.Index(
                fields=["unverified_at"],
                condition=Q(unverified_at__isnull=False),
                name="notification_unverified",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {mask_phone_for_staff(self.phone)} ({self.status})"


# Messages that carry a secret (a code, an invitation link): their text is forgotten once
# sent, and they go at any hour, since the person is waiting for them.
SECRET_KINDS = frozenset(
    {
        Notification.Kind.SIGN_IN_CODE,
        Notification.Kind.SIGN_UP_CODE,
        Notification.Kind.RECOVERY_CODE,
        Notification.Kind.PHONE_CHANGE_CODE,
        Notification.Kind.INVITATION,
        Notification.Kind.HOST_INVITATION,
        Notification.Kind.STAFF_INVITATION,
    }
)


class SmsOptOut(models.Model):
    """A number that replied STOP: nothing more is sent to it until it replies START."""

    phone = models.CharField(_("phone"), max_length=16, unique=True)
    opted_out_at = models.DateTimeField(_("opted out at"), auto_now_add=True)
    keyword = models.CharField(_("keyword"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self):
        return mask_phone_for_staff(self.phone)


class InboundSms(models.Model):
    """An SMS a person sent us, kept once per provider id so a retried webhook acts once."""

    message_sid = models.CharField(_("provider message id"), max_length=64, unique=True)
    phone = models.CharField(_("from"), max_length=16)
    body = models.CharField(_("text"), max_length=1600)
    command = models.CharField(_("command"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        indexes = [models.Index(fields=["phone"], name="inbound_sms_phone")]

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)}: {self.command or '?'}"


class SmsBudgetAlert(models.Model):
    """The hosts of a centre were told once that this month's SMS budget is spent."""

    space = models.ForeignKey("cowork.Space", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    created_at = models.DateTimeField(_("alerted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS budget alert")
        verbose_name_plural = _("SMS budget alerts")
        constraints = [
            models.UniqueConstraint(fields=["space", "month"], name="sms_budget_alert_once"),
        ]

    def __str__(self):
        return f"{self.space} · {self.month:%Y-%m}"


class SmsUnverifiedCapAlert(models.Model):
    """The hosts of a centre were told once that day that SMS to numbers never reached
    before were held back, by the centre's allowance or the network's cap."""

    space = models.ForeignKey("cowork.Space", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("alerted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS unverified-number alert")
        verbose_name_plural = _("SMS unverified-number alerts")
        constraints = [
            models.UniqueConstraint(fields=["space", "day"], name="sms_unverified_alert_once"),
        ]

    def __str__(self):
        return f"{self.space} · {self.day:%Y-%m-%d}"


class SmsSender(models.Model):
    """Who a centre's SMS to one country come from, and whether people can answer it.

    An alphanumeric sender ID ("CoworkGNJ") is one-way everywhere; a number takes replies
    only where the operator delivers them to it. Messages through a one-way sender never
    say "reply C": they give the link instead (`notifications.sms.messages`). A country
    with no row is sent from the centre's own sender (`notifications.sms.senders`).
    """

    space = models.ForeignKey(
        "cowork.Space",
        on_delete=models.CASCADE,
        related_name="sms_senders",
        verbose_name=_("centre"),
    )
    country = models.CharField(_("recipients' country"), max_length=2, choices=COUNTRIES)
    sender = models.CharField(
        _("sender ID or number"),
        max_length=16,
        validators=[
            RegexValidator(
                r"^(\+[1-9][0-9]{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$",
                _("An E.164 number, or up to 11 letters, digits or spaces with one letter."),
            )
        ],
    )
    takes_replies = models.BooleanField(
        _("takes replies"),
        default=False,
        help_text=_("Tick only if SMS replies to this number reach us in that country."),
    )

    class Meta:
        verbose_name = _("SMS sender")
        verbose_name_plural = _("SMS senders")
        constraints = [
            models.UniqueConstraint(fields=["space", "country"], name="sms_sender_per_country"),
        ]

    def __str__(self):
        return f"{self.space} · {self.country}: {self.sender}"

    @property
    def is_number(self) -> bool:
        return self.sender.startswith("+")

    def clean(self):
        if self.takes_replies and not self.is_number:
            raise ValidationError(
                {"takes_replies": _("An alphanumeric sender ID cannot take replies.")}
            )


# Telegram and WhatsApp beside SMS: kept in a module of their own.
from notifications.channel_models import (  # noqa: E402, F401
    Channel,
    ChannelAddress,
    ChannelPreference,
    PendingCommand,
    TelegramLinkKey,
    TelegramUpdate,
)
