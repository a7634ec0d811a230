"""Walk-in visits: people who come to a centre without booking, counted at the door."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from cowork.models.displays import DisplayToken
from cowork.models.people import AgeBand, Gender, Member, Participant
from cowork.models.spaces import Space


class WalkInSource(models.TextChoices):
    LIVE = "live", _("Live page")
    TABLET = "tablet", _("Door tablet")
    KIOSK = "kiosk", _("Door sign-in")


def phone_fingerprint(phone: str) -> str:
    """A keyed hash of an E.164 number: tells a returning visitor by their phone without
    keeping the number itself."""
    return salted_hmac("cowork.walk-in.phone", phone, algorithm="sha256").hexdigest()


class WalkIn(models.Model):
    """One visit to a centre by someone who booked nothing: a host's "+1 visitor" tap, a tap
    on the door tablet, or the visitor's own sign-in at the door kiosk.

    `client_key` is the tapping device's own name for the tap, so a request retried over a
    patchy connection finds the visit it made instead of counting it again. `phone_key`
    (a `phone_fingerprint`) recognises a visitor who gave their phone; such a visitor counts
    once per centre and local day. `member` or `participant` is the known person whose phone
    it was, if any, and `visitor` the member's account. Sex and age band are what the visitor
    chose to tell, or nothing.

    Deleting the visitor's account removes their member profile and their phone's
    fingerprint, but keeps `visitor` (the nameless account, as their bookings keep it) and
    the participant row (nameless too), so the reports count the visit as before.
    """

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="walk_ins", verbose_name=_("centre")
    )
    visited_at = models.DateTimeField(_("visited at"))
    # The centre's local date of `visited_at`: reports and the once-a-day rule count by it.
    day = models.DateField(_("local day"))
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age band"), max_length=12, choices=AgeBand.choices, blank=True)
    phone_key = models.CharField(_("phone fingerprint"), max_length=64, blank=True)
    returning = models.BooleanField(
        _("returning visitor"),
        default=False,
        help_text=_("Recognised by phone: came before, or is known to the centre."),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("member"),
    )
    # The account the visit is counted by, beside its check-ins: it outlives the member
    # profile, which an account's deletion removes.
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("visitor's account"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("participant"),
    )
    source = models.CharField(_("logged on"), max_length=8, choices=WalkInSource.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    display = models.ForeignKey(
        DisplayToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("door tablet"),
    )
    client_key = models.CharField(_("client key"), max_length=64, blank=True)

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("walk-in visit")
        verbose_name_plural = _("walk-in visits")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "client_key"],
                condition=~Q(client_key=""),
                name="walk_in_client_key_once",
            ),
            models.UniqueConstraint(
                fields=["space", "day", "phone_key"],
                condition=~Q(phone_key=""),
                name="walk_in_phone_once_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["space", "day"], name="walk_in_space_day"),
            models.Index(fields=["day"], name="walk_in_day"),
        ]

    def __str__(self):
        return f"{self.space.name} · {self.visited_at:%Y-%m-%d %H:%M}"
