"""Handing a claimed message to its channel: SMS as always, Telegram with its buttons,
WhatsApp as free text or a template."""

from notifications.messaging.channels import Route
from notifications.messaging.outgoing import ChannelMessage, get_channel_backend
from notifications.models import Channel, Notification
from notifications.sms import BaseSmsBackend, OutgoingSms, SentSms
from notifications.sms.senders import Sender, sender_for
from notifications.telegram.buttons import buttons_for_message
from notifications.whatsapp.outbound import whatsapp_message


def send_routed(
    route: Route,
    notification: Notification,
    *,
    body: str,
    status_callback: str,
    sms_backend: BaseSmsBackend,
    sender: Sender | None = None,
) -> SentSms:
    """Send `body` on the route's channel; raises the SmsError family on failure.

    `sender`: who an SMS comes from (`sender_for`: the centre's sender for the recipient's
    country), looked up when not given.
    """
    if route.channel == Channel.SMS:
        sender = sender or sender_for(space=notification.space, phone=notification.phone)
        return sms_backend.send(
            OutgoingSms(
                to=notification.phone,
                body=body,
                sender=sender.sender,
                messaging_service_sid=sender.messaging_service_sid,
                status_callback=status_callback,
                idempotency_key=notification.key,
            )
        )
    if route.channel == Channel.TELEGRAM:
        message = ChannelMessage(
            address=route.address, body=body, buttons=buttons_for_message(notification)
        )
    else:
        message = whatsapp_message(
            notification,
            address=route.address,
            body=body,
            window_open=route.window_open,
            status_callback=status_callback,
        )
    return get_channel_backend(route.channel).send(message)
