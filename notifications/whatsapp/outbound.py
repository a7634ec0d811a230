"""A message we start on WhatsApp: free text inside the 24-hour window, else a template."""

from django.conf import settings

from notifications.messaging.outgoing import ChannelMessage
from notifications.models import Notification
from notifications.sms.base import PermanentSmsError
from notifications.sms.messages import facts_for


def template_variables(notification: Notification) -> dict[str, str]:
    """The variables every template of ours takes: {{1}} what (the resource or event),
    {{2}} the centre, {{3}} when ("07.12 10:00-13:00", the centre's time), {{4}} the
    calendar link."""
    facts = facts_for(notification)
    when = ""
    if facts.starts_at is not None:
        zone = facts.time_zone
        starts = facts.starts_at.astimezone(zone)
        when = starts.strftime("%d.%m %H:%M")
        if facts.ends_at is not None:
            when += "-" + facts.ends_at.astimezone(zone).strftime("%H:%M")
    return {
        "1": facts.resource or facts.event,
        "2": facts.space,
        "3": when,
        "4": facts.link,
    }


def whatsapp_message(
    notification: Notification, *, address: str, body: str, window_open: bool, status_callback=""
) -> ChannelMessage:
    """The message to send; PermanentSmsError("outside_window") when only a template could
    go and the kind has none (the message then goes on the next channel)."""
    if window_open:
        return ChannelMessage(address=address, body=body, status_callback=status_callback)
    template_sid = settings.WHATSAPP_TEMPLATES.get(notification.kind, "")
    if not template_sid:
        raise PermanentSmsError(
            "outside_window",
            "More than 24 hours since they wrote, and no approved template for this message.",
        )
    return ChannelMessage(
        address=address,
        body=body,
        template_sid=template_sid,
        template_variables=template_variables(notification),
        status_callback=status_callback,
    )
