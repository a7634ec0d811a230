"""Accounts: the codes that prove a phone, the asks they are counted by, the centres a member
uses, and the invitations hosts send."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cowork.models.people import Member, SpaceRole
from cowork.models.spaces import Space
from cowork.phones import mask_phone_for_staff


class CodePurpose(models.TextChoices):
    """What a code sent to a phone proves it for; a code works only for its purpose."""

    SIGN_IN = "sign_in", _("Sign in")
    SIGN_UP = "sign_up", _("Sign up")
    RECOVERY = "recovery", _("Set a new password")
    PHONE_CHANGE = "phone_change", _("Change of phone number")


class PhoneCodeRequest(models.Model):
    """One ask for a code by SMS, kept to count the limits every web process shares.

    Rows are made for every phone typed, known or not, so the counts reveal nothing; only
    `outcome` says what became of the ask. Old rows are purged
    (`cowork.services.accounts.codes.phone_code_records_purge`).
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Code sent")
        UNKNOWN = "unknown", _("No member with this phone")
        TOLD_OWNER = "told_owner", _("The number's owner was told instead")
        PHONE_LIMIT = "phone_limit", _("Too many for this phone")
        IP_LIMIT = "ip_limit", _("Too many from this address")
        BUDGET = "budget", _("Hourly SMS budget spent")

    purpose = models.CharField(
        _("purpose"), max_length=12, choices=CodePurpose.choices, default=CodePurpose.SIGN_IN
    )
    phone = models.CharField(_("phone"), max_length=16)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    space = models.ForeignKey(
        Space,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    created_at = models.DateTimeField(_("asked at"))

    class Meta:
        verbose_name = _("phone code request")
        verbose_name_plural = _("phone code requests")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="phone_code_request_phone"),
            models.Index(fields=["ip", "created_at"], name="phone_code_request_ip"),
            models.Index(fields=["outcome", "created_at"], name="phone_code_request_outcome"),
        ]

    def __str__(self):
        phone = mask_phone_for_staff(self.phone)
        return f"{phone} · {self.purpose} · {self.outcome} · {self.created_at:%Y-%m-%d %H:%M}"


class PhoneCode(models.Model):
    """A one-time code sent by SMS: only its keyed hash is kept, never the digits.

    A row is made when nobody is told the digits too (a stranger's number at sign-in, a
    member's number at sign-up), so every ask does the same work; such a row (`sent`
    false) can never prove anything. `attempts` is raised before each comparison, so
    parallel guesses cannot get more than the allowed tries.
    """

    purpose = models.CharField(
        _("purpose"), max_length=12, choices=CodePurpose.choices, default=CodePurpose.SIGN_IN
    )
    phone = models.CharField(_("phone"), max_length=16)
    # Sign-in and recovery: whose account the code opens. Phone change: who asked.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    sent = models.BooleanField(_("sent to the phone"), default=False)
    code_hash = models.CharField(_("code hash"), max_length=64)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        indexes = [models.Index(fields=["phone", "expires_at"], name="phone_code_phone")]

    def __str__(self):
        state = "used" if self.used_at else f"{self.attempts} tries"
        return f"{mask_phone_for_staff(self.phone)} · {self.purpose} · {state}"


class Membership(models.Model):
    """That a member uses a centre; where the centre asks for it, a host's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a host")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member")
    )
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("centre")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["space", "created_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "space"], name="membership_once_per_centre"),
        ]
        indexes = [models.Index(fields=["space", "status"], name="membership_space_status")]

    def __str__(self):
        return f"{self.member} · {self.space.name} · {self.status}"


class Invitation(models.Model):
    """A host's invitation of a phone to a centre: one link by SMS, signed, one-time,
    expiring. Only the hash of the link's secret is kept. With a `role`, accepting it also
    makes the person host or staff of the centre; a host may withdraw it before."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("centre")
    )
    phone = models.CharField(_("phone"), max_length=16)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("link hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    # Null: an invitation to use the centre as a member, and nothing more.
    role = models.CharField(  # noqa: DJ001 (null: no role, as every earlier row)
        _("role"), max_length=8, choices=SpaceRole.Role.choices, null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["space", "created_at"], name="invitation_space_created")]

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)} → {self.space.name}"
