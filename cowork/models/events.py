"""Events a centre runs — round-tables, trainings, courses — with registration and attendance."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from cowork.models.bookings import Booking
from cowork.models.fields import SecretKeyed, TranslatedTexts
from cowork.models.people import Participant
from cowork.models.resources import Resource
from cowork.models.spaces import Organization, Space


class Tag(models.Model):
    """A project or donor that funds events; donors' reports are limited to their tags.

    A tag belongs to one organization, whose centres' events alone may carry it, or (with
    no organization) to the network, set up by network admins for any centre to use.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        DONOR = "donor", _("Donor")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tags",
        verbose_name=_("organization"),
        help_text=_("Empty: a tag of the whole network, which every centre may use."),
    )
    iati_identifier = models.CharField(
        _("IATI activity identifier"),
        max_length=150,
        blank=True,
        help_text=_(
            "The project's identifier in IATI files, e.g. AZ-IRD-1234567-P12. Empty: the"
            " organisation's identifier followed by the tag's number."
        ),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class DonorAccess(models.Model):
    """A read-only donor account sees reports of events carrying these tags, nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="donor_access",
        verbose_name=_("user"),
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", verbose_name=_("tag"))

    class Meta:
        verbose_name = _("donor access")
        verbose_name_plural = _("donor access")
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="donor_access_unique")]

    def __str__(self):
        return f"{self.user} · {self.tag}"


class Event(TranslatedTexts, models.Model):
    """One event in one or more sessions (a course has several), held in rooms of its
    centre — one, or several at once for a forum bigger than any room, each booked for every
    session — or at an outside venue, a hall of someone else's that books nothing of ours.
    """

    translated_fields = ("title", "description")

    class Kind(models.TextChoices):
        ROUND_TABLE = "round_table", _("Round-table")
        TRAINING = "training", _("Training")
        COURSE = "course", _("Course")
        SEMINAR = "seminar", _("Seminar")
        FORUM = "forum", _("Forum")
        CONSULTATION = "consultation", _("Consultation")
        CONTEST = "contest", _("Contest")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="events", verbose_name=_("space")
    )
    # The first of the centre's rooms it takes; empty when it is held at an outside venue.
    room = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        limit_choices_to={"kind": Resource.Kind.ROOM},
        verbose_name=_("room"),
    )
    # Further rooms taken together with `room`: the event's places are their seats summed.
    other_rooms = models.ManyToManyField(
        Resource,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Resource.Kind.ROOM},
        verbose_name=_("other rooms"),
    )
    venue_name = models.CharField(_("outside venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue's address"), max_length=300, blank=True)
    venue_capacity = models.PositiveIntegerField(_("venue's seats"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Titles and descriptions in other languages: {"ru": {"title": …, "description": …}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    is_public = models.BooleanField(_("public"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    registrations_need_approval = models.BooleanField(
        _("registrations need approval"), default=False
    )
    organizer_name = models.CharField(_("organizer"), max_length=200, blank=True)
    organizer_phone = models.CharField(_("organizer's phone"), max_length=16, blank=True)
    organizer_email = models.EmailField(_("organizer's e-mail"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="events", verbose_name=_("tags"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            # In a room of the centre, or at an outside venue with a name and its seats.
            models.CheckConstraint(
                condition=Q(room__isnull=False, venue_name="", venue_capacity__isnull=True)
                | (Q(room__isnull=True, venue_capacity__gte=1) & ~Q(venue_name="")),
                name="event_room_or_venue",
            ),
        ]
        indexes = [models.Index(fields=["space", "starts_at"], name="event_space_start")]

    def __str__(self):
        return self.title

    def title_in(self, language: str | None) -> str:
        return self.text_in("title", language)

    def description_in(self, language: str | None) -> str:
        return self.text_in("description", language)

    @property
    def is_outside(self) -> bool:
        """Held at an outside venue, not in the centre's rooms."""
        return self.room_id is None

    def rooms(self) -> list[Resource]:
        """The centre's rooms it takes, the first chosen first; none at an outside venue.
        Prefetch `other_rooms` for lists."""
        if self.room is None:
            return []
        others = sorted(self.other_rooms.all(), key=lambda room: (room.name, room.pk))
        return [self.room, *[room for room in others if room.pk != self.room_id]]

    @property
    def place_name(self) -> str:
        """Where it is, in a few words: the venue's name, or its rooms' names joined."""
        return self.place_name_in(None)

    def place_name_in(self, language: str | None) -> str:
        """`place_name` with the rooms named in `language` where the host named them so."""
        if self.is_outside:
            return self.venue_name
        return " + ".join(room.name_in(language) for room in self.rooms())

    @property
    def seats(self) -> int:
        """How many people where it is held can take: the venue's, or its rooms' summed."""
        if self.is_outside:
            return self.venue_capacity or 0
        return sum(room.capacity for room in self.rooms())

    def registration_state(self, now: datetime.datetime) -> str:
        """Whether the public may register at `now`: "open", "not_open", "closed" (from
        `registration_closes_at`, else the start) or "cancelled". The service refuses by it;
        the pages say it before anyone types."""
        if self.status != self.Status.SCHEDULED:
            return "cancelled"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open"
        if now >= (self.registration_closes_at or self.starts_at):
            return "closed"
        return "open"

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        room = self.room if self.room_id else None
        if room is None and not self.venue_name.strip():
            errors["room"] = _("Choose a room of the centre, or give an outside venue.")
        elif room is None and not self.venue_capacity:
            errors["venue_capacity"] = _("Say how many people the venue seats.")
        elif room is not None and self.venue_name.strip():
            errors["venue_name"] = _("An event is in the centre's rooms or at a venue, not both.")
        if room is not None:
            if room.kind != Resource.Kind.ROOM:
                errors["room"] = _("Events take place in rooms.")
            elif self.space_id and room.space_id != self.space_id:
                errors["room"] = _("The room belongs to another centre.")
        elif self.venue_capacity and self.capacity and self.capacity > self.venue_capacity:
            errors["capacity"] = _("%(room)s seats %(seats)d; the event cannot take more.") % {
                "room": self.venue_name,
                "seats": self.venue_capacity,
            }
        if errors:
            raise ValidationError(errors)


class EventSession(models.Model):
    """One meeting of an event, holding its first room through a booking of its own (its
    other rooms through `EventSessionRoom`); at an outside venue it books nothing."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_session",
        verbose_name=_("room booking"),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.event} · {self.starts_at:%Y-%m-%d %H:%M}"


class EventSessionRoom(models.Model):
    """A further room a session holds, for an event taking several rooms at once."""

    session = models.ForeignKey(
        EventSession,
        on_delete=models.CASCADE,
        related_name="other_rooms",
        verbose_name=_("session"),
    )
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        related_name="event_session_room",
        verbose_name=_("room booking"),
    )

    class Meta:
        verbose_name = _("further room of a session")
        verbose_name_plural = _("further rooms of sessions")

    def __str__(self):
        return f"{self.session} · {self.booking_id}"


CHECK_IN_CODE_DIGITS = 6


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    PENDING = "pending", _("Awaiting approval")
    CANCELLED = "cancelled", _("Cancelled")


# Registrations that hold one of the event's places; waitlisted ones wait for one.
HOLDING_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)


class Registration(SecretKeyed, models.Model):
    """A person's place at an event, or on its waitlist. One per person (phone) and event."""

    Status = RegistrationStatus

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    organization_type = models.CharField(_("organization type"), max_length=60, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The host who registered the person, if not themselves."),
    )
    # The cancellation link's secret; only its hash is kept.
    cancel_key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("promoted from the waitlist at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attendance_confirmed_at = models.DateTimeField(
        _("attendance confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the person confirmed they will come, e.g. by replying YES."),
    )

    class Meta:
        ordering = ["event", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="registration_once_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.event} ({self.status})"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING_STATUSES

    @property
    def check_in_code(self) -> str:
        """Six digits that check this person in with their phone, shown on their page.

        Derived from the link's stored hash with the server's secret, so nothing more is
        kept, and a new link (after re-registering) brings a new code.
        """
        digest = salted_hmac(
            "cowork.registration.check_in_code", self.cancel_key_hash, algorithm="sha256"
        ).hexdigest()
        return f"{int(digest, 16) % 10**CHECK_IN_CODE_DIGITS:0{CHECK_IN_CODE_DIGITS}d}"


class Attendance(models.Model):
    """Someone was there, at one session."""

    class Method(models.TextChoices):
        HOST = "host", _("Marked by a host")
        QR = "qr", _("Scanned the event's QR code")
        WALK_IN = "walk_in", _("Walk-in")
        SMS = "sms", _("Replied IN by SMS")

    session = models.ForeignKey(
        EventSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("session"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["session", "at"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.session}"


class EventAttempt(models.Model):
    """An anonymous registration, or a refused self check-in, at an event.

    Kept a day so that the limits on what people without an account may do
    (`cowork.services.event_limits`) are counted in the database, where every web process
    sees them. No name or phone is kept: only where the attempt came from and when.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered without an account")
        CHECK_IN_REFUSED = "check_in_refused", _("Self check-in refused")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    # Null when the server could not tell; such attempts share one count.
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("event attempt")
        verbose_name_plural = _("event attempts")
        indexes = [
            models.Index(fields=["kind", "ip", "created_at"], name="event_attempt_ip"),
            models.Index(fields=["kind", "event", "created_at"], name="event_attempt_event"),
            models.Index(fields=["kind", "space", "created_at"], name="event_attempt_space"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.event_id} · {self.created_at:%Y-%m-%d %H:%M}"
