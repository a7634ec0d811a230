"""Linking Telegram from a confirmation: a registration's personal page, and the page a
one-way SMS links a place at an event to. No account is needed.

Whoever holds either link holds the registration, not necessarily its phone (a registration
takes any number typed into its form), so the key made here asks the chat for its own
contact, on the registration's number, before it links (`links.telegram_link_start`). A
signed-in member links from their profile or My bookings (`channel_views.telegram_link`).
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cowork.errors import NotFound
from cowork.models import Registration, RegistrationStatus
from cowork.phones import mask_phone
from cowork.selectors.events import registration_for_key
from notifications.sms.links import registration_of_token
from notifications.telegram.links import LINK_MINUTES, deep_link, telegram_link_key_create


def _link_page(request, registration: Registration, *, back: str):
    if registration.status == RegistrationStatus.CANCELLED:
        raise Http404
    phone = registration.participant.phone
    key = telegram_link_key_create(phone=phone, needs_contact=True)
    context = {
        "telegram_url": deep_link(key),
        "masked_phone": mask_phone(phone),
        "link_minutes": LINK_MINUTES,
        "registration": registration,
        "back": back,
    }
    return render(request, "notifications/telegram/link.html", context)


@never_cache
@require_POST
def registration_telegram(request, key: str):
    """From a registration's personal page (its key is the proof of the registration)."""
    try:
        registration = registration_for_key(key=key)
    except NotFound as missing:
        raise Http404(missing.message) from missing
    return _link_page(request, registration, back=reverse("web:registration", args=[key]))


@never_cache
@require_POST
def registration_by_sms_telegram(request, token: str):
    """From the page a one-way SMS links to (its signed token is the proof)."""
    registration = registration_of_token(token)
    return _link_page(
        request, registration, back=reverse("notifications:registration-by-sms", args=[token])
    )
