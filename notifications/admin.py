"""SMS in the admin: hosts read their centres' messages and name their senders per country;
opt-outs are for network admins, and so are the donors' monthly report e-mails, where one
that failed, or whose outcome is unknown, is sent again.

Messages are written only by the dispatcher and the webhooks, so the admin shows them and
changes nothing. Phones are masked in lists; the full number is on the message's page.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cowork.admin import NetworkAdminOnly, ReadOnly, ScopedToSpaces
from cowork.phones import mask_phone_for_staff
from cowork.selectors.access import user_is_network_admin
from notifications.donor_reports import donor_report_send_again
from notifications.models import (
    InboundSms,
    Notification,
    SentDonorReport,
    SmsOptOut,
    SmsSender,
)


@admin.register(Notification)
class NotificationAdmin(ReadOnly, ScopedToSpaces, admin.ModelAdmin):
    list_display = [
        "kind",
        "masked_phone",
        "space",
        "status",
        "due_at",
        "sent_at",
        "segments",
        "cost",
        "error_code",
    ]
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


@admin.register(SmsSender)
class SmsSenderAdmin(ScopedToSpaces, admin.ModelAdmin):
    """Hosts name their centres' senders per country; whether one takes replies decides
    whether messages through it may ask for one."""

    list_display = ["space", "country", "sender", "takes_replies"]
    list_filter = ["country", "takes_replies"]
    list_select_related = ["space"]


@admin.register(SentDonorReport)
class SentDonorReportAdmin(ReadOnly, NetworkAdminOnly, admin.ModelAdmin):
    """Whether each donor's monthly report went, and why not; a failed one, or one whose
    sender stopped mid-send, goes again when a network admin asks (after asking the donor
    whether it arrived)."""

    list_display = [
        "user",
        "month",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "error",
    ]
    list_filter = ["status", "month"]
    search_fields = ["user__username", "user__last_name", "recipient"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in SentDonorReport._meta.fields]
    actions = ["send_again"]

    def has_send_again_permission(self, request):
        return user_is_network_admin(user=request.user)

    @admin.action(permissions=["send_again"], description=_("Send again"))
    def send_again(self, request, queryset):
        again = sum(
            donor_report_send_again(claim=claim, acting_user=request.user) for claim in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d report will be sent again.",
                "%(count)d reports will be sent again.",
                again,
            )
            % {"count": again},
            messages.SUCCESS,
        )
