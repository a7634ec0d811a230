"""What the phone repair (migration 0013) changed, and what it could not tell, with why.

Filled once by the migration; read by `manage.py phone_repairs_report`. Staff-only and
written in English, like the command that shows it.
"""

from django.db import models
from django.utils import timezone


class PhoneRepair(models.Model):
    """One person's number that the repair changed (`repaired`) or left for a person to
    check (`listed`)."""

    class Outcome(models.TextChoices):
        REPAIRED = "repaired"
        LISTED = "listed"

    class Kind(models.TextChoices):
        PARTICIPANT = "participant"
        MEMBER = "member"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    row_id = models.BigIntegerField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # A code (`read_in_centre_country`, `several_countries`, …) and its sentence.
    reason = models.CharField(max_length=40)
    detail = models.TextField()
    old_phone = models.CharField(max_length=16)
    new_phone = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=2, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["outcome", "kind", "row_id"]

    def __str__(self):
        return f"{self.kind} #{self.row_id}: {self.outcome} ({self.reason})"
