"""Tokens for screens that show a space's occupancy without anyone signed in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import SecretKeyed
from cowork.models.resources import Resource
from cowork.models.spaces import Space


class DisplayToken(SecretKeyed, models.Model):
    """A room display or lobby screen. Only the key's hash is kept; hosts revoke it at will."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="display_tokens", verbose_name=_("space")
    )
    room = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="display_tokens",
        verbose_name=_("room"),
        help_text=_("The room whose door the display hangs at; empty for a lobby screen."),
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["space", "name"]
        verbose_name = _("display")
        verbose_name_plural = _("displays")

    def __str__(self):
        return f"{self.name} · {self.space.name}"
