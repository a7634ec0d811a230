"""Twilio's inbound-message webhook: a person's SMS to us, answered with TwiML."""

from django.http import HttpResponse, HttpResponseBadRequest
from twilio.twiml.messaging_response import MessagingResponse

from notifications.models import InboundSms
from notifications.sms.replies import inbound_sms_handle
from notifications.sms.webhooks import twilio_webhook

MAX_SID_LENGTH = InboundSms._meta.get_field("message_sid").max_length


@twilio_webhook
def sms_inbound(request):
    """Act on the message (once per MessageSid) and answer in the person's language."""
    message_sid = request.POST.get("MessageSid", "")
    # Twilio's ids are 34 characters; without one a retry could not be told apart.
    if not message_sid or len(message_sid) > MAX_SID_LENGTH:
        return HttpResponseBadRequest("Bad or missing MessageSid.", content_type="text/plain")
    reply = inbound_sms_handle(
        message_sid=message_sid,
        phone=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
        opt_out_type=request.POST.get("OptOutType", ""),
    )
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return HttpResponse(str(twiml), content_type="text/xml; charset=utf-8")
