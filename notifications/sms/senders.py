"""Who an SMS comes from, and whether an answer to it can reach us.

A centre may name a sender per recipients' country (`SmsSender`): Ukraine and Uzbekistan
want registered alphanumeric IDs, which are one-way, and an international number rarely
gets replies back from these networks. A country with no sender of its own is sent from the
centre's sender ID (one-way: it is a name, not a number) or else its messaging service or
the network's number, as before, which take replies.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from cowork.models import Space
from notifications.models import SmsSender
from notifications.sms.costs import phone_country


@dataclass(frozen=True)
class Sender:
    sender: str = ""
    messaging_service_sid: str = ""
    two_way: bool = True


def sender_for(*, space: Space | None, phone: str) -> Sender:
    """The sender of `space`'s SMS to `phone`, and whether it takes replies."""
    if space is None:
        return Sender()
    return sender_for_country(space=space, country=phone_country(phone))


def sender_for_country(*, space: Space, country: str) -> Sender:
    """The sender of `space`'s SMS to numbers of `country`, and whether it takes replies."""
    return senders_by_country(space=space, countries=[country])[country]


SENDER_FIELDS = ("country", "sender", "takes_replies")


def sender_rows(*, space: Space, countries: list[str]) -> QuerySet[SmsSender]:
    """The senders `space` named for `countries`, as `senders_from` reads them."""
    return SmsSender.objects.filter(space=space, country__in=countries)


def senders_by_country(*, space: Space, countries: list[str]) -> dict[str, Sender]:
    """The sender of `space`'s SMS to each of `countries`, read in one query."""
    rows = sender_rows(space=space, countries=countries).values_list(*SENDER_FIELDS)
    return senders_from(space=space, countries=countries, rows=rows)


def senders_from(*, space: Space, countries: list[str], rows) -> dict[str, Sender]:
    """The sender to each of `countries`, from the `SENDER_FIELDS` of `space`'s own senders
    (`rows`, read already); a country without one is sent from the centre's."""
    own = {
        country: Sender(sender=sender, two_way=bool(takes_replies))
        for country, sender, takes_replies in rows
    }
    return {country: own.get(country) or _centre_sender(space) for country in countries}


def _centre_sender(space: Space) -> Sender:
    if space.sms_messaging_service_sid:
        return Sender(messaging_service_sid=space.sms_messaging_service_sid)
    if space.sms_sender_id:
        return Sender(sender=space.sms_sender_id, two_way=False)
    return Sender()
