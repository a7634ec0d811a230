"""People: members with accounts, their roles in spaces, and participants without accounts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cowork.models.spaces import Organization, Space
from cowork.phones import PhoneNumberField


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("Under 18")
    FROM_18 = "18-24", "18–24"
    FROM_25 = "25-34", "25–34"
    FROM_35 = "35-44", "35–44"
    FROM_45 = "45-54", "45–54"
    FROM_55 = "55-64", "55–64"
    FROM_65 = "65+", _("65 and over")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Disability(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


# Demographics may be stored only with a recorded consent; the database refuses otherwise.
_NO_DEMOGRAPHICS = Q(gender="") & Q(age_band="") & Q(disability="")


class Demographics(models.Model):
    """Optional, consented facts that donors' reports break attendance down by."""

    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=12, choices=AgeBand.choices, blank=True)
    disability = models.CharField(
        _("disability"), max_length=12, choices=Disability.choices, blank=True
    )
    demographics_consent_at = models.DateTimeField(
        _("demographics consent given at"), null=True, blank=True
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        has_any = any([self.gender, self.age_band, self.disability])
        if has_any and self.demographics_consent_at is None:
            raise ValidationError(
                _("Demographics can be recorded only with the person's consent."),
                code="demographics_without_consent",
            )


def _language_choices():
    return settings.LANGUAGES


class Member(Demographics):
    """The profile of a person with an account: phone, language, their NGO, their role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member",
        verbose_name=_("user"),
    )
    phone = PhoneNumberField(_("phone"), unique=True, null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=_language_choices, default="en"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("NGO"),
        help_text=_("The NGO the member belongs to, if any."),
    )
    is_network_admin = models.BooleanField(
        _("network admin"),
        default=False,
        help_text=_("Sees and manages every centre of the network."),
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=_NO_DEMOGRAPHICS | Q(demographics_consent_at__isnull=False),
                name="member_demographics_need_consent",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class SpaceRole(models.Model):
    """What a user may do at one space. Hosts manage it; staff help run it."""

    class Role(models.TextChoices):
        HOST = "host", _("Host")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="space_roles",
        verbose_name=_("user"),
    )
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="roles", verbose_name=_("space")
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)

    class Meta:
        ordering = ["space", "role", "user"]
        verbose_name = _("space role")
        verbose_name_plural = _("space roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="space_role_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.space.name}"


class Participant(Demographics):
    """Someone known only by name and phone: registered for an event, or walked in."""

    name = models.CharField(_("name"), max_length=200)
    phone = PhoneNumberField(_("phone"), unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=_language_choices, default="en"
    )
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=_NO_DEMOGRAPHICS | Q(demographics_consent_at__isnull=False),
                name="participant_demographics_need_consent",
            ),
        ]

    def __str__(self):
        return self.name
