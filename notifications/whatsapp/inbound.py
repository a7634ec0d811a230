"""Twilio's WhatsApp inbound webhook: the same signed request as SMS, `whatsapp:` addresses.

A known person writing (or answering our first template) links their WhatsApp and opens the
24-hour window; the message then acts as a reply command would by SMS, STOP and START for
WhatsApp alone. A quick-reply button of a template sends its id as `ButtonPayload`: our
buttons' ids are the command words (C, Y, IN, OUT), taken before the button's label.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from twilio.twiml.messaging_response import MessagingResponse

from cowork.models import Member, Participant
from cowork.phones import phone_to_e164
from notifications.messaging.channels import channel_heard_from
from notifications.models import Channel, InboundSms
from notifications.sms.replies import inbound_sms_handle
from notifications.sms.webhooks import twilio_webhook
from notifications.whatsapp.backends import PREFIX

MAX_SID_LENGTH = InboundSms._meta.get_field("message_sid").max_length


@twilio_webhook
def whatsapp_inbound(request):
    message_sid = request.POST.get("MessageSid", "")
    address = request.POST.get("From", "")
    if not message_sid or len(message_sid) > MAX_SID_LENGTH or not address.startswith(PREFIX):
        return HttpResponseBadRequest("Bad MessageSid or From.", content_type="text/plain")
    try:
        phone = phone_to_e164(address.removeprefix(PREFIX))
    except ValidationError:
        return HttpResponseBadRequest("Bad From.", content_type="text/plain")
    if Member.objects.filter(phone=phone).exists() or Participant.objects.filter(phone=phone):
        channel_heard_from(phone=phone, channel=Channel.WHATSAPP, address=address)
    reply = inbound_sms_handle(
        message_sid=message_sid,
        phone=phone,
        body=request.POST.get("ButtonPayload") or request.POST.get("Body", ""),
        channel=Channel.WHATSAPP,
    )
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return HttpResponse(str(twiml), content_type="text/xml; charset=utf-8")
