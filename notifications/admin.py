"""SMS in the admin: hosts read their centres' messages; opt-outs are for network admins.

Messages are written only by the dispatcher and the webhooks, so the admin shows them and
changes nothing. Phones are masked in lists; the full number is on the message's page.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cowork.admin import NetworkAdminOnly, ReadOnly, ScopedToSpaces
from cowork.phones import mask_phone_for_staff
from notifications.models import InboundSms, Notification, SmsOptOut


@admin.register(Notification)
class NotificationAdmin(ReadOnly, ScopedToSpaces, admin.ModelAdmin):
    list_display = ["kind", "masked_phone", "space", "status", "due_at", "sent_at", "error_code"]
    list_filter = ["status", "kind", "space"]
    search_fields = ["recipient_name", "provider_id", "key"]
    date_hierarchy = "due_at"
    list_select_related = ["space"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone_for_staff(obj.phone)


@admin.register(SmsOptOut)
class SmsOptOutAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["masked_phone", "keyword", "opted_out_at"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone_for_staff(obj.phone)


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnly, NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["masked_phone", "command", "outcome", "received_at"]
    list_filter = ["command", "outcome"]

    @admin.display(description=_("from"))
    def masked_phone(self, obj):
        return mask_phone_for_staff(obj.phone)
