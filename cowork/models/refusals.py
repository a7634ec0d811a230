"""Requests for equipment the centre could not meet: what people asked for and did not get.

A refused booking changes nothing, so without this row the reports could not say which
equipment is asked for beyond what a centre has.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cowork.models.resources import Resource
from cowork.models.spaces import Space


class EquipmentRefusal(models.Model):
    """`wanted` units of one kind of equipment asked for over [starts_at, ends_at), with
    only `free` of them free: the request was refused whole. No person is kept."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    equipment_type = models.CharField(
        _("equipment type"), max_length=30, choices=Resource.EquipmentType.choices, blank=True
    )
    # The kind as people ask for it: the units' name without its number ("Laptop").
    label = models.CharField(_("equipment"), max_length=120)
    wanted = models.PositiveIntegerField(_("units asked for"))
    free = models.PositiveIntegerField(_("units free"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    refused_at = models.DateTimeField(_("refused at"))

    class Meta:
        ordering = ["refused_at", "pk"]
        verbose_name = _("equipment refusal")
        verbose_name_plural = _("equipment refusals")
        indexes = [models.Index(fields=["space", "starts_at"], name="equipmentrefusal_when")]

    def __str__(self):
        return f"{self.wanted} × {self.label} ({self.free} free)"
