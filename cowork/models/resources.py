"""Bookable things of a space: rooms, desks and equipment, in one table.

One table so that one constraint can guard every booking, whatever is booked.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import ChoiceListField, TranslatedTexts, validate_translations
from cowork.models.spaces import Space

ROOM_EQUIPMENT = [
    ("projector", _("Projector")),
    ("screen", _("Screen")),
    ("whiteboard", _("Whiteboard")),
    ("interactive_whiteboard", _("Interactive whiteboard")),
    ("video_conferencing", _("Video conferencing")),
    ("sound_system", _("Sound system")),
    ("flipchart", _("Flipchart")),
    ("tv", _("TV screen")),
]

DESK_ATTRIBUTES = [
    ("monitor", _("Monitor")),
    ("power", _("Power socket")),
    ("window", _("By a window")),
    ("quiet", _("Quiet zone")),
    ("standing", _("Standing desk")),
    ("wired_network", _("Wired network")),
]


class Resource(TranslatedTexts, models.Model):
    translated_fields = ("name", "description")

    class Kind(models.TextChoices):
        DESK = "desk", _("Desk")
        ROOM = "room", _("Room")
        EQUIPMENT = "equipment", _("Equipment")

    class EquipmentType(models.TextChoices):
        LAPTOP = "laptop", _("Laptop")
        PROJECTOR = "projector", _("Projector")
        GRAPHICS_TABLET = "graphics_tablet", _("Graphics tablet")
        INTERACTIVE_WHITEBOARD = "interactive_whiteboard", _("Interactive whiteboard")
        CAMERA = "camera", _("Camera")
        MICROPHONE = "microphone", _("Microphone")

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="resources", verbose_name=_("space")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("Name and texts in other languages, shown to readers of that language."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Seats in a room; 1 for a desk or a piece of equipment."),
    )
    equipment = ChoiceListField(
        _("built-in equipment"), choices_list=ROOM_EQUIPMENT, help_text=_("Rooms only.")
    )
    attributes = ChoiceListField(
        _("desk attributes"), choices_list=DESK_ATTRIBUTES, help_text=_("Desks only.")
    )
    equipment_type = models.CharField(
        _("equipment type"), max_length=24, choices=EquipmentType.choices, blank=True
    )
    bookable_alone = models.BooleanField(
        _("bookable alone"),
        default=True,
        help_text=_("Equipment that may be booked without a room."),
    )
    accessible = models.BooleanField(
        _("wheelchair accessible"), default=False, help_text=_("Reachable step-free.")
    )
    needs_approval = models.BooleanField(
        _("needs approval"), default=False, help_text=_("A host approves each booking.")
    )
    price_per_hour = models.DecimalField(
        _("price per hour for outside renters"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    # Position and size on the space's floor plan, in the plan's grid units.
    plan_x = models.PositiveSmallIntegerField(_("plan x"), null=True, blank=True)
    plan_y = models.PositiveSmallIntegerField(_("plan y"), null=True, blank=True)
    plan_width = models.PositiveSmallIntegerField(_("plan width"), default=60)
    plan_height = models.PositiveSmallIntegerField(_("plan height"), default=40)
    # Overrides of the space's booking rules; empty means the space's rule applies.
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), null=True, blank=True
    )
    max_booking_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), null=True, blank=True
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), null=True, blank=True
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after each booking (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: the space's room buffer for rooms, none for desks and equipment."),
    )
    out_of_service = models.BooleanField(_("out of service"), default=False)
    out_of_service_reason = models.CharField(_("why out of service"), max_length=200, blank=True)

    class Meta:
        ordering = ["space", "kind", "name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="resource_name_unique_in_space"),
            models.CheckConstraint(
                condition=Q(kind="room") | Q(capacity=1), name="resource_only_rooms_seat_many"
            ),
            models.CheckConstraint(
                condition=Q(kind="equipment") | Q(equipment_type=""),
                name="resource_equipment_type_only_for_equipment",
            ),
            models.CheckConstraint(
                condition=(Q(plan_x__isnull=True) & Q(plan_y__isnull=True))
                | (Q(plan_x__isnull=False) & Q(plan_y__isnull=False)),
                name="resource_plan_position_complete",
            ),
        ]
        indexes = [models.Index(fields=["space", "kind"], name="resource_space_kind")]

    def __str__(self):
        return f"{self.name} · {self.space.name}"

    @property
    def on_plan(self) -> bool:
        return self.plan_x is not None

    def clean(self):
        errors = {}
        if self.kind != self.Kind.ROOM and self.capacity != 1:
            errors["capacity"] = _("Only rooms seat more than one person.")
        if self.kind == self.Kind.EQUIPMENT and not self.equipment_type:
            errors["equipment_type"] = _("Say what kind of equipment this is.")
        if self.kind != self.Kind.EQUIPMENT and self.equipment_type:
            errors["equipment_type"] = _("Only equipment has an equipment type.")
        if self.kind != self.Kind.ROOM and self.equipment:
            errors["equipment"] = _("Only rooms have built-in equipment.")
        if self.kind != self.Kind.DESK and self.attributes:
            errors["attributes"] = _("Only desks have desk attributes.")
        if (self.plan_x is None) != (self.plan_y is None):
            errors["plan_y" if self.plan_y is None else "plan_x"] = _(
                "Give both plan coordinates, or neither."
            )
        if self.out_of_service and not self.out_of_service_reason:
            errors["out_of_service_reason"] = _("Say why, so members know.")
        if errors:
            raise ValidationError(errors)
