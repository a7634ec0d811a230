"""The WhatsApp channel: Twilio's Messaging API with the same client and signed webhooks.

Addresses are `whatsapp:<E.164>`. A message we start is an approved template (Twilio's
Content API: a content SID per kind in `WHATSAPP_TEMPLATES`, with variables); free text goes
only within 24 hours of the person's last message to us. Answering our first template (or
writing to us first) links the number.
"""
