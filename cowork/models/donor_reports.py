"""The monthly report due to each donor account: one row per donor and month, ever."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorMonthlyReport(models.Model):
    """A donor's report of one month, recorded as due (with its domain event) once.

    The unique (user, month) is the schedule's idempotency key: a run that finds the row
    records nothing, so a rerun, or two runs at once, never asks for a second e-mail.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    # The first day of the month the report covers.
    month = models.DateField(_("month"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "user_id"]
        verbose_name = _("donor's monthly report")
        verbose_name_plural = _("donors' monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="donor_monthly_report_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.month:%Y-%m}"
