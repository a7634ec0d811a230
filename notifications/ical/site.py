"""Where this installation lives, for UIDs and for links in e-mails sent without a request."""

from django.conf import settings


def site_url() -> str:
    """The public base URL, e.g. https://cowork.example.org, without a trailing slash."""
    return settings.SITE_URL


def uid_domain() -> str:
    """The right-hand side of every UID. It must never change, or calendars duplicate items."""
    return settings.CALENDAR_UID_DOMAIN
