"""The SMS and e-mail settings, read from the environment; cowork/config/settings.py takes
them all. Without TWILIO_* or EMAIL_HOST, messages are printed to the console."""

import environ

env = environ.Env()

TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
# Tests point the real twilio client at a fake server on loopback through this.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")
# A message still "sending" after this many seconds was left by a worker that died; it is
# then looked up in the provider's log. Longer than a send can take (10 s timeout).
SMS_STALE_AFTER_SECONDS = env.int("SMS_STALE_AFTER_SECONDS", default=120)

SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default=(
        "notifications.sms.backends.twilio.TwilioBackend"
        if TWILIO_ACCOUNT_SID
        else "notifications.sms.backends.console.ConsoleBackend"
    ),
)

# Sign-in codes by SMS. Codes go only to members' phones, so a fraudster cannot pump SMS to
# numbers of their choosing; these caps bound what bombing members' phones can cost.
# Codes one centre's members may be sent in an hour (members with no centre share one cap).
SMS_SIGNIN_HOURLY_LIMIT = env.int("SMS_SIGNIN_HOURLY_LIMIT", default=60)
# Codes the whole network may send in an hour, whatever the centre.
SMS_SIGNIN_NETWORK_HOURLY_LIMIT = env.int("SMS_SIGNIN_NETWORK_HOURLY_LIMIT", default=300)
# Asks from one IP address in an hour; a centre's Wi-Fi puts many members behind one address.
SMS_SIGNIN_IP_HOURLY_LIMIT = env.int("SMS_SIGNIN_IP_HOURLY_LIMIT", default=20)

# SMS to numbers never reached before (no delivered SMS, no reply, not a member's phone),
# for the whole network in 24 hours, whatever the centres' own allowances
# (`Space.sms_unverified_daily_limit`): the hard cap on what SMS pumping can cost.
SMS_UNVERIFIED_NETWORK_DAILY_LIMIT = env.int("SMS_UNVERIFIED_NETWORK_DAILY_LIMIT", default=200)

# What one SMS segment costs to each country, in US dollars: ESTIMATES from the provider's
# published rates (they change; check the price list and set yours, e.g. "AZ=0.21,UA=0.17").
# Budgets and the hosts' SMS panel count money with them; a country not listed costs
# SMS_PRICE_USD_DEFAULT. A message's cost is kept when it is sent, so a change counts onward.
SMS_PRICES_USD = env.dict(
    "SMS_PRICES_USD",
    default={
        "AZ": "0.20",
        "UA": "0.17",
        "UZ": "0.26",
        "GE": "0.15",
        "KZ": "0.22",
        "KG": "0.19",
        "TJ": "0.23",
        "MD": "0.12",
        "AM": "0.17",
    },
)
SMS_PRICE_USD_DEFAULT = env.str("SMS_PRICE_USD_DEFAULT", default="0.25")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if not env.str("EMAIL_HOST", default="")
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# Seconds to wait for the mail server. Calendar invites go out from the relay after commit,
# inside the request: without a limit a server that hangs holds the request, its database
# connection and the outbox's relay for good.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cowork <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
