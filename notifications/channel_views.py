"""The member's page of channels: link or unlink Telegram and WhatsApp, choose the first.

`/profile/messages/`. Telegram's deep link is shown once, on the answer to the POST that
made it (its key is kept only hashed). WhatsApp is linked by answering the first template
we send from here.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from notifications.messaging.channels import (
    DEFAULT_ORDER,
    channel_order,
    channel_unlink,
    usable_addresses,
)
from notifications.messaging.outgoing import ChannelMessage, get_channel_backend
from notifications.models import Channel, ChannelAddress, ChannelPreference
from notifications.sms.base import SmsError
from notifications.telegram.links import LINK_MINUTES, deep_link, telegram_link_key_create
from notifications.whatsapp.backends import whatsapp_address


def _phone(request) -> str:
    member = getattr(request.user, "member", None)
    return str(member.phone) if member is not None and member.phone else ""


def _with_phone(view):
    """The view is given the member's phone; without one it leads back to the page, which
    asks for it first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        phone = _phone(request)
        if not phone:
            return redirect("notifications:channels")
        return view(request, phone, *args, **kwargs)

    return wrapped


def _page(request, **extra):
    phone = _phone(request)
    linked = usable_addresses(phone) if phone else {}
    order = channel_order(phone) if phone else [Channel.SMS]
    context = {
        "phone": phone,
        "telegram": linked.get(Channel.TELEGRAM),
        "whatsapp": linked.get(Channel.WHATSAPP),
        "preferred": order[0],
        "choices": [(c.value, c.label) for c in Channel if c == Channel.SMS or c in linked],
        "link_minutes": LINK_MINUTES,
        **extra,
    }
    return render(request, "notifications/channels.html", context)


@login_required
def profile_channels(request):
    return _page(request)


@login_required
@require_POST
@_with_phone
def telegram_link(request, phone: str):
    return _page(request, telegram_url=deep_link(telegram_link_key_create(phone=phone)))


@login_required
@require_POST
@_with_phone
def channel_off(request, phone: str, channel: str):
    if channel in (Channel.TELEGRAM, Channel.WHATSAPP) and channel_unlink(
        phone=phone, channel=channel
    ):
        messages.success(request, gettext("Done: we will not write to you there any more."))
    return redirect("notifications:channels")


@login_required
@require_POST
@_with_phone
def whatsapp_invite(request, phone: str):
    """Send the first WhatsApp template; their answer links the number."""
    address = whatsapp_address(phone)
    ChannelAddress.objects.get_or_create(
        phone=phone, channel=Channel.WHATSAPP, defaults={"address": address}
    )
    message = ChannelMessage(
        address=address,
        body=gettext("Answer this message to get your booking messages here on WhatsApp."),
        template_sid=settings.WHATSAPP_TEMPLATES.get("channel_invite", ""),
    )
    try:
        get_channel_backend(Channel.WHATSAPP).send(message)
    except SmsError:
        messages.error(request, gettext("WhatsApp could not be reached. Try again later."))
    else:
        messages.success(request, gettext("Sent. Answer our WhatsApp message to link it."))
    return redirect("notifications:channels")


@login_required
@require_POST
def channel_prefer(request):
    phone = _phone(request)
    chosen = request.POST.get("channel", "")
    allowed = [Channel.SMS, *usable_addresses(phone)] if phone else []
    if chosen not in allowed:
        messages.error(request, gettext("Choose one of your channels."))
        return redirect("notifications:channels")
    order = [chosen, *(c for c in DEFAULT_ORDER if c != chosen)]
    ChannelPreference.objects.update_or_create(phone=phone, defaults={"order": order})
    messages.success(request, gettext("Saved."))
    return redirect("notifications:channels")
