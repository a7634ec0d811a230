"""What the messaging layer holds about a person, for their data export and its erasure.

Registered as a holder of personal data (`cowork.services.personal_data`) from
NotificationsConfig.ready(). Erasure masks the SMS kept for the person (text, number,
name, e-mail) and cancels those still waiting, masks the SMS they sent us, and deletes
their calendar links and what links them on Telegram and WhatsApp (addresses, preferred
order, link keys, a command awaiting its second word; the bot's answers to their chat are
blanked, the update ids kept so a replay still acts once), and forgets the address their
monthly donor reports went to. Rows stay, so a month's SMS spend and the daily counts of
numbers never reached before do not change. An opt-out (STOP) is kept: it is the number's,
and a number given to someone else must still not be texted against its owner's wish.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from cowork.phones import mask_phone_for_staff
from cowork.services.personal_data import (
    Person,
    Section,
    personal_data_holder_register,
    record_of,
)
from notifications.models import (
    CalendarFeedToken,
    Channel,
    ChannelAddress,
    ChannelPreference,
    InboundSms,
    Notification,
    PendingCommand,
    SentDonorReport,
    SmsOptOut,
    TelegramLinkKey,
    TelegramUpdate,
)

NOTIFICATION_FIELDS = ("kind", "phone", "email", "status", "due_at", "sent_at", "body")


def register() -> None:
    personal_data_holder_register(name="notifications", export=export, erase=erase)


def _notifications(person: Person):
    return Notification.objects.filter(
        Q(phone__in=person.phones)
        | Q(booking_id__in=person.booking_ids)
        | Q(registration_id__in=person.registration_ids)
    )


# Whether it went (or waits for another try, or failed), and when the mail server took it.
DONOR_REPORT_FIELDS = ("month", "recipient", "status", "delivered_at")


def export(person: Person) -> list[Section]:
    messages = _notifications(person).order_by("due_at", "pk")
    received = InboundSms.objects.filter(phone__in=person.phones).order_by("received_at")
    links = CalendarFeedToken.objects.filter(owner_id=person.user_id).order_by("created_at")
    opt_outs = SmsOptOut.objects.filter(phone__in=person.phones)
    reports = SentDonorReport.objects.filter(user_id=person.user_id).order_by("month")
    return [
        Section(
            "messages_sent",
            gettext_lazy("Messages sent to you"),
            [record_of(message, NOTIFICATION_FIELDS) for message in messages],
        ),
        Section(
            "messages_received",
            gettext_lazy("Messages you sent"),
            [record_of(sms, ("phone", "body", "received_at")) for sms in received],
        ),
        Section(
            "calendar_links",
            gettext_lazy("Calendar links"),
            [record_of(link, ("kind", "created_at", "revoked_at")) for link in links],
        ),
        Section(
            "sms_opt_outs",
            gettext_lazy("SMS stopped"),
            [record_of(opt_out, ("phone", "opted_out_at")) for opt_out in opt_outs],
        ),
        Section(
            "donor_reports",
            gettext_lazy("Monthly reports e-mailed to you"),
            [record_of(report, DONOR_REPORT_FIELDS) for report in reports],
        ),
    ]


def erase(person: Person) -> None:
    # Fixed first: once masked, rows no longer match the person's phone.
    rows = Notification.objects.filter(
        pk__in=list(_notifications(person).values_list("pk", flat=True))
    )
    rows.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.CANCELLED, error_code="erased"
    )
    rows.update(body="", email="", recipient_name="", reason="")
    for phone in set(rows.values_list("phone", flat=True)):
        rows.filter(phone=phone).update(phone=mask_phone_for_staff(phone))
    for phone in person.phones:
        InboundSms.objects.filter(phone=phone).update(
            phone=mask_phone_for_staff(phone), body="", reply=""
        )
    CalendarFeedToken.objects.filter(owner_id=person.user_id).delete()
    # Kept, so that the month is never sent again; the address goes, and a report still
    # waiting for another try is not sent.
    reports = SentDonorReport.objects.filter(user_id=person.user_id)
    reports.filter(status=SentDonorReport.Status.PENDING).update(
        status=SentDonorReport.Status.CANCELLED, error="erased"
    )
    reports.update(recipient="")
    addresses = ChannelAddress.objects.filter(phone__in=person.phones)
    chats = [
        int(address)
        for address in addresses.filter(channel=Channel.TELEGRAM).values_list("address", flat=True)
        if address.lstrip("-").isdigit()
    ]
    TelegramUpdate.objects.filter(chat_id__in=chats).update(reply={})
    addresses.delete()
    ChannelPreference.objects.filter(phone__in=person.phones).delete()
    TelegramLinkKey.objects.filter(phone__in=person.phones).delete()
    PendingCommand.objects.filter(phone__in=person.phones).delete()
