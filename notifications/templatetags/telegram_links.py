"""`{% telegram_offer %}`: link Telegram from a confirmation, or say that it is linked.

A tag, so the domain's pages (My bookings, a registration's page) offer it by name without
importing notifications:

    {% telegram_offer %}                                  the signed-in member (My bookings)
    {% telegram_offer "registration" key phone %}         a registration's personal page
    {% telegram_offer "sms" token phone %}                the page a one-way SMS links to
"""

from django import template
from django.urls import reverse

from notifications.messaging.channels import usable_addresses
from notifications.models import Channel

register = template.Library()


@register.inclusion_tag("notifications/telegram/_offer.html", takes_context=True)
def telegram_offer(context, kind: str = "member", key: str = "", phone: str = ""):
    if kind == "member":
        member = getattr(context["request"].user, "member", None)
        phone = str(member.phone) if member is not None and member.phone else ""
        action = reverse("notifications:telegram-link")
    elif kind == "registration":
        action = reverse("notifications:registration-telegram", args=[key])
    elif kind == "sms":
        action = reverse("notifications:registration-by-sms-telegram", args=[key])
    else:
        raise template.TemplateSyntaxError(f"telegram_offer: no offer of kind {kind!r}")
    phone = str(phone or "")
    return {
        "kind": kind,
        "action": action,
        "phone": phone,
        "linked": bool(phone) and Channel.TELEGRAM in usable_addresses(phone),
        "csrf_token": context.get("csrf_token"),
    }
