"""The outbox: domain events written in the same transaction as the change they describe."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """Something that happened in the domain, waiting to be relayed after commit.

    The id orders events; `space_seq` numbers a space's events without gaps, so a live
    client can tell it missed one. The relay sets `published_at`; a row without it has not
    been relayed yet.
    """

    kind = models.CharField(_("kind"), max_length=80)
    aggregate_type = models.CharField(_("aggregate type"), max_length=40)
    aggregate_id = models.CharField(_("aggregate id"), max_length=40)
    space = models.ForeignKey(
        "cowork.Space",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("space"),
    )
    space_seq = models.PositiveBigIntegerField(
        _("number within the space"),
        null=True,
        blank=True,
        help_text=_("1, 2, 3… per space, without gaps, in commit order of the space's writes."),
    )
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set by the relay that is handing the event over, so no other relay does it at the
    # same time; a claim left by a relay that died lapses at this time.
    claimed_until = models.DateTimeField(_("claimed by a relay until"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "space_seq"], name="domainevent_space_seq_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(published_at__isnull=True),
                name="domainevent_unpublished",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.aggregate_type}:{self.aggregate_id}"
