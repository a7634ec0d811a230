"""People: members with accounts, their roles in spaces, and participants without accounts."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
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
    """The old yes/no question, kept so that answers given before the Washington Group
    questions stay readable; new answers use the six `WG_DOMAINS`."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class WGAnswer(models.TextChoices):
    """The Washington Group Short Set's four answer levels, and "prefer not to say"."""

    NO_DIFFICULTY = "none", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


# The six domains of the Washington Group Short Set (WG-SS), in the Group's order, each a
# field of Demographics.
WG_DOMAINS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_self_care",
    "wg_communicating",
)
# The WG-SS cut-off: "with disability" is at least one domain at one of these.
WG_CUT_OFF = frozenset({WGAnswer.A_LOT, WGAnswer.CANNOT})
WG_LEVELS = frozenset({WGAnswer.NO_DIFFICULTY, WGAnswer.SOME, *WG_CUT_OFF})


class DisabilityStatus(models.TextChoices):
    WITH = "with", _("With disability")
    WITHOUT = "without", _("Without disability")
    UNKNOWN = "unknown", _("Not known")


def disability_status(*, wg_answers: Sequence[str], disability: str = "") -> str:
    """Whether a person is "with disability" (a DisabilityStatus), from consented answers.

    The Washington Group's definition (WG-SS, cut-off "a lot of difficulty"): with
    disability when at least one of the six domains is "a lot of difficulty" or "cannot do
    at all"; without when all six are answered with a level and none reaches it; not known
    otherwise (a domain left out or "prefer not to say", none at the cut-off). Only when
    none of the six has a level (the person answered before the six questions existed)
    does the old yes/no answer count: yes is with, no is without. The callers pass answers
    only of people who consented; this function does not check consent.
    """
    answers = [answer for answer in wg_answers if answer in WG_LEVELS]
    if any(answer in WG_CUT_OFF for answer in answers):
        return DisabilityStatus.WITH
    if len(answers) == len(WG_DOMAINS):
        return DisabilityStatus.WITHOUT
    if answers:
        return DisabilityStatus.UNKNOWN
    return {
        Disability.YES: DisabilityStatus.WITH,
        Disability.NO: DisabilityStatus.WITHOUT,
    }.get(disability, DisabilityStatus.UNKNOWN)


# Demographics may be stored only with a recorded consent; the database refuses otherwise.
DEMOGRAPHIC_FIELDS = ("gender", "age_band", "disability", *WG_DOMAINS)
_NO_DEMOGRAPHICS = Q(**{field: "" for field in DEMOGRAPHIC_FIELDS})


def _wg_field(label):
    return models.CharField(label, max_length=12, choices=WGAnswer.choices, blank=True)


class Demographics(models.Model):
    """Optional, consented facts that donors' reports break attendance down by."""

    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=12, choices=AgeBand.choices, blank=True)
    disability = models.CharField(
        _("disability (old yes/no question)"),
        max_length=12,
        choices=Disability.choices,
        blank=True,
    )
    wg_seeing = _wg_field(_("difficulty seeing"))
    wg_hearing = _wg_field(_("difficulty hearing"))
    wg_walking = _wg_field(_("difficulty walking or climbing steps"))
    wg_remembering = _wg_field(_("difficulty remembering or concentrating"))
    wg_self_care = _wg_field(_("difficulty with self-care"))
    wg_communicating = _wg_field(_("difficulty communicating"))
    demographics_consent_at = models.DateTimeField(
        _("demographics consent given at"), null=True, blank=True
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        has_any = any(getattr(self, field) for field in DEMOGRAPHIC_FIELDS)
        if has_any and self.demographics_consent_at is None:
            raise ValidationError(
                _("Demographics can be recorded only with the person's consent."),
                code="demographics_without_consent",
            )

    @property
    def disability_status(self) -> str:
        if self.demographics_consent_at is None:
            return DisabilityStatus.UNKNOWN
        return disability_status(
            wg_answers=[getattr(self, field) for field in WG_DOMAINS], disability=self.disability
        )


# Reminder times a member may choose, in minutes before the start; the centre's
# `sms_reminders` are the default. All lie within what Space.sms_reminders allows.
REMINDER_CHOICES = (
    (1440, _("1 day before")),
    (180, _("3 hours before")),
    (60, _("1 hour before")),
    (30, _("30 minutes before")),
)


def validate_reminder_minutes(value) -> None:
    allowed = {minutes for minutes, _label in REMINDER_CHOICES}
    if value is None:
        return
    if not isinstance(value, list) or not value or not set(value) <= allowed:
        raise ValidationError(_("Choose reminder times from the list."), code="bad_reminders")


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
    booking_reminders = models.BooleanField(_("booking reminders"), default=True)
    event_reminders = models.BooleanField(_("event reminders"), default=True)
    reminder_minutes = models.JSONField(
        _("reminder times (minutes before)"),
        null=True,
        blank=True,
        validators=[validate_reminder_minutes],
        help_text=_("Empty: the centre's reminder times."),
    )
    # Kept on top of the centre's quiet hours, in the local time of the centre concerned.
    quiet_from = models.TimeField(_("my quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("my quiet hours until"), null=True, blank=True)
    # Counts changes of the reminder preferences, so re-planned reminders get new keys.
    reminders_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=_NO_DEMOGRAPHICS | Q(demographics_consent_at__isnull=False),
                name="member_demographics_need_consent",
            ),
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="member_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def reminder_times(self, centre_times: Sequence[int]) -> list[int]:
        """Minutes before a start when this member is reminded, given the centre's times."""
        return list(self.reminder_minutes) if self.reminder_minutes else list(centre_times)


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
    # None once the person's data was erased (`erased_at`); their attendance stays counted.
    phone = PhoneNumberField(_("phone"), unique=True, null=True, blank=True)
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
    erased_at = models.DateTimeField(
        _("personal data erased at"),
        null=True,
        blank=True,
        help_text=_("Name, phone and e-mail removed; past attendance kept, without a name."),
    )

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
        return self.name or gettext("Erased person")
