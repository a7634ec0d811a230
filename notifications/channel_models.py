"""What messaging keeps per person and channel: addresses on Telegram and WhatsApp, the order
the channels are tried in, Telegram's link keys and updates, and the destructive commands
waiting for their second word.

A person is known by their phone (E.164), as every `Notification` row is: members and
participants without an account alike. Exported from `notifications.models`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cowork.models.fields import SecretKeyed
from cowork.phones import mask_phone_for_staff


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class ChannelAddress(models.Model):
    """Where a phone's person is reached on a channel other than SMS, once they linked it.

    Telegram: the chat id, linked by a deep link's key. WhatsApp: `whatsapp:<phone>`, linked
    by their answer to our first template; `last_inbound_at` opens the 24-hour window in
    which free text may be sent. `stopped_at` is their /stop or STOP (or an unlink on the
    profile); `blocked_at` is Telegram's 403 (the bot was blocked). Either makes the
    channel skipped until they link again.
    """

    phone = models.CharField(_("phone"), max_length=16)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=64)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    last_inbound_at = models.DateTimeField(_("last message from them at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("channel address")
        verbose_name_plural = _("channel addresses")
        constraints = [
            models.UniqueConstraint(fields=["phone", "channel"], name="channel_address_once"),
            models.UniqueConstraint(
                fields=["channel", "address"], name="channel_address_one_person"
            ),
        ]

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)} · {self.channel}"

    @property
    def usable(self) -> bool:
        return self.linked_at is not None and self.stopped_at is None and self.blocked_at is None


class ChannelPreference(models.Model):
    """The order a phone's person wants the channels tried in; the first is the preferred.

    Without a row the order is: the linked channels (Telegram, then WhatsApp), then SMS
    (`notifications.messaging.channels.channel_order`).
    """

    phone = models.CharField(_("phone"), max_length=16, unique=True)
    order = models.JSONField(_("channels, preferred first"), default=list)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)}: {' > '.join(self.order)}"


class TelegramLinkKey(SecretKeyed, models.Model):
    """A one-time key of a deep link `t.me/<bot>?start=<key>`; only its hash is kept.

    `needs_contact`: made where the phone was not proved (a registration's page), so the
    chat that pressed Start (`chat_id`) must share its own contact on `phone` to link.
    """

    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    phone = models.CharField(_("phone"), max_length=16)
    needs_contact = models.BooleanField(_("needs the chat's contact"), default=False)
    chat_id = models.BigIntegerField(_("chat"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link key")
        verbose_name_plural = _("Telegram link keys")

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)} · {'used' if self.used_at else 'open'}"


class TelegramUpdate(models.Model):
    """An update Telegram sent our webhook, kept once per `update_id` so a replay acts once.

    `reply` is what we answered, so a retried update gets the same answer again.
    """

    update_id = models.BigIntegerField(_("update id"), unique=True)
    chat_id = models.BigIntegerField(_("chat"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    reply = models.JSONField(_("reply"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")

    def __str__(self):
        return f"{self.update_id}: {self.outcome or '?'}"


class PendingCommand(models.Model):
    """A destructive command asked once, waiting for its second word within minutes.

    One per phone: a new ask replaces the old one. `target` names what was asked about
    (`b:<booking>` or `r:<registration>`), so the second word acts on exactly that.
    """

    phone = models.CharField(_("phone"), max_length=16, unique=True)
    action = models.CharField(_("command"), max_length=16)
    target = models.CharField(_("about"), max_length=24)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("command awaiting confirmation")
        verbose_name_plural = _("commands awaiting confirmation")

    def __str__(self):
        return f"{mask_phone_for_staff(self.phone)}: {self.action} {self.target}"
