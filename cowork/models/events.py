"""Events a centre runs: round-tables, trainings, courses and the like."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cowork.models.resources import Resource
from cowork.models.spaces import Space


class Event(models.Model):
    class Kind(models.TextChoices):
        ROUND_TABLE = "round_table", _("Round-table")
        TRAINING = "training", _("Training")
        COURSE = "course", _("Course")
        SEMINAR = "seminar", _("Seminar")
        FORUM = "forum", _("Forum")
        CONSULTATION = "consultation", _("Consultation")
        CONTEST = "contest", _("Contest")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="events", verbose_name=_("space")
    )
    room = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind": Resource.Kind.ROOM},
        verbose_name=_("room"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["space", "starts_at"], name="event_space_start")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        room = self.room if self.room_id else None
        if room is not None:
            if room.kind != Resource.Kind.ROOM:
                errors["room"] = _("Events take place in rooms.")
            elif self.space_id and room.space_id != self.space_id:
                errors["room"] = _("The room belongs to another centre.")
            elif self.capacity and self.capacity > room.capacity:
                errors["capacity"] = _("%(room)s seats %(seats)d; the event cannot take more.") % {
                    "room": room.name,
                    "seats": room.capacity,
                }
        if errors:
            raise ValidationError(errors)
