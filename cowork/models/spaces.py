"""Organizations and the centres (spaces) they run, with their hours and closures."""

import datetime
import zoneinfo
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import (
    ChoiceListField,
    TranslatedTexts,
    reject_unknown,
    validate_translations,
)
from cowork.phones import PhoneNumberField

COUNTRIES = [
    ("AZ", _("Azerbaijan")),
    ("UA", _("Ukraine")),
    ("UZ", _("Uzbekistan")),
    ("GE", _("Georgia")),
    ("KZ", _("Kazakhstan")),
    ("KG", _("Kyrgyzstan")),
    ("TJ", _("Tajikistan")),
    ("MD", _("Moldova")),
    ("AM", _("Armenia")),
]

ACCESSIBILITY_FEATURES = [
    ("step_free_entrance", _("Step-free entrance")),
    ("ramp", _("Ramp")),
    ("elevator", _("Elevator")),
    ("accessible_toilet", _("Accessible toilet")),
    ("hearing_loop", _("Hearing loop")),
    ("sign_language", _("Sign language on request")),
    ("braille_signage", _("Braille signage")),
    ("accessible_parking", _("Accessible parking")),
]

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def default_sms_reminders() -> list[int]:
    return [24 * 60, 60]


# Callables, not fixed times: Django warns of a fixed time default (fields.W161) whenever the
# clock is within ten seconds of it, which made `check --deploy` fail at 08:00 and 21:00.
def default_sms_quiet_from() -> datetime.time:
    return datetime.time(21, 0)


def default_sms_quiet_until() -> datetime.time:
    return datetime.time(8, 0)


def validate_sms_reminders(value) -> None:
    """A list of at most four distinct whole minutes before a start, 5 minutes to 7 days."""
    if not isinstance(value, list) or len(value) > 4:
        raise ValidationError(_("Give up to four reminders."), code="invalid_reminders")
    for minutes in value:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 10080:
            raise ValidationError(
                _("Each reminder is a number of minutes between 5 and 10080 (7 days)."),
                code="invalid_reminders",
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder may be given once."), code="invalid_reminders")


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names that this machine's tz database knows."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone, e.g. Asia/Baku."),
            code="unknown_time_zone",
            params={"value": value},
        ) from exc


def validate_languages(value) -> None:
    known = {code for code, _label in settings.LANGUAGES}
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one language."), code="no_languages")
    reject_unknown(
        value,
        known=known,
        message=_("Unsupported languages: %(codes)s."),
        code="unknown_language",
        param="codes",
    )


class Organization(models.Model):
    """A host partner NGO; it owns spaces, and its hosts manage them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_partner = models.BooleanField(
        _("partner NGO"),
        default=True,
        help_text=_("Members of partner NGOs book rooms free of charge."),
    )
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_(
            "As registered with IATI, e.g. AZ-IRD-1234567. Empty: the network's identifier"
            " is used in IATI files."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


# The fields that are a centre's details: its hosts edit them on one page, and the
# centre-management services let them.
DETAIL_FIELDS = (
    "name",
    "city",
    "region",
    "address",
    "description",
    "directions",
    "contact_phone",
    "accessibility",
    "currency",
)
# The fields that are a centre's booking rules: its hosts set them on one page, and the
# centre-management services let them.
BOOKING_RULE_FIELDS = (
    "safety_capacity",
    "booking_grid_minutes",
    "min_booking_minutes",
    "max_booking_minutes",
    "max_days_ahead",
    "room_buffer_minutes",
    "max_active_bookings",
    "max_hours_per_week",
    "no_show_grace_minutes",
    "check_in_early_minutes",
    "members_see_occupancy",
)


class Space(TranslatedTexts, models.Model):
    """One centre: where it is, when it is open, how many people it may hold."""

    translated_fields = ("name", "description", "directions")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="spaces",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(
        _("about the centre"), blank=True, help_text=_("What the centre offers, who it is for.")
    )
    directions = models.TextField(
        _("how to get there"), blank=True, help_text=_("Transport, entrance, floor, landmarks.")
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("Name and texts in other languages, shown to readers of that language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Baku, Europe/Kyiv, Asia/Tashkent."),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        validators=[validate_languages],
        help_text=_("Language codes spoken at the centre, first is the default for messages."),
    )
    safety_capacity = models.PositiveIntegerField(
        _("safety capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("Most people allowed in the centre at once."),
    )
    accessibility = ChoiceListField(
        _("accessibility features"), choices_list=ACCESSIBILITY_FEATURES
    )
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    phone_countries = ChoiceListField(
        _("phone numbers accepted from"),
        choices_list=COUNTRIES,
        help_text=_(
            "Countries whose mobile numbers people may register with and be texted at. "
            "None ticked: the centre's own country."
        ),
    )
    sms_sender_id = models.CharField(
        _("SMS sender ID"),
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$",
                _("Up to 11 letters, digits or spaces, with at least one letter."),
            )
        ],
        help_text=_("Alphanumeric sender shown on SMS, where the country allows it."),
    )
    sms_messaging_service_sid = models.CharField(
        _("Twilio messaging service SID"),
        max_length=34,
        blank=True,
        validators=[RegexValidator(r"^MG[0-9a-f]{32}$", _("A SID starting with MG."))],
    )
    sms_monthly_budget_usd = models.DecimalField(
        _("monthly SMS budget (USD)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("400.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Reminders stop when the month's SMS have cost this much."),
    )
    sms_transliterate = models.BooleanField(
        _("SMS in plain Latin letters"),
        default=False,
        help_text=_(
            "Write ə, ı, ş, ğ, ç and ʻ as e, i, s, g, c and ' in SMS, so that an "
            "Azerbaijani or Uzbek message costs one segment of 160 characters, not 70."
        ),
    )
    sms_unverified_daily_limit = models.PositiveIntegerField(
        _("SMS to new numbers a day"),
        default=20,
        help_text=_(
            "SMS in 24 hours to numbers never reached before (no delivered SMS, no reply, "
            "not a member's). More are held back, confirmations included; the network's "
            "own cap applies on top."
        ),
    )
    sms_reminders = models.JSONField(
        _("SMS reminders (minutes before)"),
        default=default_sms_reminders,
        blank=True,
        validators=[validate_sms_reminders],
        help_text=_("Minutes before a booking or event when a reminder is sent, e.g. [1440, 60]."),
    )
    sms_quiet_from = models.TimeField(
        _("SMS quiet hours from"),
        default=default_sms_quiet_from,
        help_text=_("Local time after which no reminders are sent until the quiet hours end."),
    )
    sms_quiet_until = models.TimeField(_("SMS quiet hours until"), default=default_sms_quiet_until)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="AZN",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code, e.g. AZN, UAH, UZS."))],
    )
    floor_plan_width = models.PositiveSmallIntegerField(
        _("floor plan width"), default=1000, help_text=_("Units of the floor plan's grid.")
    )
    floor_plan_height = models.PositiveSmallIntegerField(_("floor plan height"), default=600)
    # A small re-encoded picture of the centre (cowork.services.centres.photos), never the
    # file as uploaded; its size is kept so that pages reserve its place before it loads.
    photo = models.ImageField(
        _("photo"),
        upload_to="centres/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    # Booking rules for every resource of the space; a resource may override some.
    booking_grid_minutes = models.PositiveSmallIntegerField(
        _("booking grid (minutes)"),
        default=15,
        choices=[(5, "5"), (10, "10"), (15, "15"), (30, "30"), (60, "60")],
        help_text=_("Bookings start and end on this grid of local time."),
    )
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    max_booking_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=600, validators=[MinValueValidator(5)]
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=60, validators=[MinValueValidator(1)]
    )
    room_buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between room bookings (minutes)"), default=15
    )
    max_active_bookings = models.PositiveSmallIntegerField(
        _("active bookings per member"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Upcoming bookings one member may hold at this centre."),
    )
    max_hours_per_week = models.PositiveSmallIntegerField(
        _("booked hours per member per week"), default=40, validators=[MinValueValidator(1)]
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("no-show grace (minutes)"),
        default=15,
        help_text=_("A booking not checked in this long after its start is released."),
    )
    check_in_early_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before start)"), default=15
    )
    members_see_occupancy = models.BooleanField(
        _("members see live occupancy"),
        default=True,
        help_text=_("Signed-in members see which desks are taken, without names."),
    )
    members_need_approval = models.BooleanField(
        _("new members need a host's approval"),
        default=False,
        help_text=_(
            "People who sign up for this centre wait until a host approves them; people a "
            "host invites are approved already."
        ),
    )
    # The number of the last domain event recorded for this space. Live clients compare it
    # with the numbers on updates to notice one they missed.
    event_seq = models.PositiveBigIntegerField(_("last event number"), default=0, editable=False)

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="space_name_unique_per_organization"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else settings.LANGUAGE_CODE

    @property
    def accepted_phone_countries(self) -> list[str]:
        return list(self.phone_countries) or [self.country]

    @property
    def accessibility_labels(self) -> list[str]:
        labels = dict(ACCESSIBILITY_FEATURES)
        return [str(labels[code]) for code in self.accessibility if code in labels]

    def local_now(self, now: datetime.datetime) -> datetime.datetime:
        return now.astimezone(self.zone)


class OpeningHours(models.Model):
    """One opening period on a weekday, in the space's local time. A day may have several."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("space")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["space", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="opening_hours_close_after_open"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class Closure(TranslatedTexts, models.Model):
    """Days a space is closed: holidays, repairs. Both dates are included."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="closures", verbose_name=_("space")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    # A public holiday's name in each language the `holidays` library names it in.
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("The reason in other languages, shown to readers of that language."),
    )
    # A yearly closure (a national holiday) is kept as one dated row per year, so everything
    # that reads closures reads dates; the rows of one yearly closure share this id.
    yearly_series = models.UUIDField(_("yearly series"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["space", "starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on}: {self.reason}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first.")})


class ServicePrice(models.Model):
    """A paid service of a space, such as venue rental by outside groups or printing."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("per hour")
        DAY = "day", _("per day")
        ITEM = "item", _("per item")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="prices", verbose_name=_("space")
    )
    service = models.CharField(_("service"), max_length=120)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_room_day_rate = models.BooleanField(
        _("day rate of rooms"),
        default=False,
        help_text=_(
            "A room rented by the day costs this per day wherever that is less than its "
            "hourly price."
        ),
    )

    class Meta:
        ordering = ["space", "service"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["space", "service"], name="price_unique_per_service"),
        ]

    def __str__(self):
        return f"{self.service}: {self.amount} {self.space.currency} {self.get_unit_display()}"
