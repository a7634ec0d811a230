"""The secrets behind private calendar URLs: feed tokens (kept hashed) and download links
(signed, so an SMS can carry one without a row per message)."""

import base64
import re

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from cowork.models import Booking, Registration
from notifications.models import CalendarFeedToken


def feed_token_rotate(*, owner, kind: str = CalendarFeedToken.Kind.MEMBER) -> str:
    """Revoke the owner's live token of `kind`, make a new one, and return its key.

    The key is returned once and never stored; the old URL stops working at commit. The
    owner's user row is locked, so two rotations at once cannot leave two live tokens.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk").get()
        CalendarFeedToken.objects.filter(owner=owner, kind=kind, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        key = CalendarFeedToken.new_key()
        CalendarFeedToken.objects.create(
            owner=owner, kind=kind, key_hash=CalendarFeedToken.hash(key)
        )
    return key


def feed_token_revoke(*, owner, kind: str = CalendarFeedToken.Kind.MEMBER) -> int:
    """Revoke the owner's live token of `kind`; return how many were revoked (0 or 1)."""
    return CalendarFeedToken.objects.filter(owner=owner, kind=kind, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_token_live(
    *, owner, kind: str = CalendarFeedToken.Kind.MEMBER
) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(owner=owner, kind=kind, revoked_at__isnull=True).first()


def feed_token_owner_id(*, key: str, kind: str = CalendarFeedToken.Kind.MEMBER) -> int | None:
    """The id of the active user a live key belongs to; None for any other key.

    Every key costs the same: one SHA-256 and one lookup by the unique hash index, whether
    it is well formed, revoked, or made up, so timing tells a guesser nothing. Plain SQL,
    because this runs on every poll of every subscribed calendar.
    """
    quote = connection.ops.quote_name
    users = quote(get_user_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.owner_id FROM {quote(CalendarFeedToken._meta.db_table)} t "
            f"JOIN {users} u ON u.id = t.owner_id "
            "WHERE t.key_hash = %s AND t.kind = %s AND t.revoked_at IS NULL AND u.is_active",
            [CalendarFeedToken.hash(key), kind],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# Download links -------------------------------------------------------------------------

_DOWNLOAD_SALT = "notifications.ical.download"
_DOWNLOAD = re.compile(r"^([br])([0-9a-z]{1,13})-([A-Za-z0-9_-]{22})$")


def _signature(value: str) -> str:
    # HMAC-SHA256 under SECRET_KEY, cut to 128 bits: short enough for an SMS, far beyond
    # guessing.
    digest = salted_hmac(_DOWNLOAD_SALT, value, algorithm="sha256").digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def download_token(*, booking: Booking | None = None, registration: Registration | None = None):
    """The token of `/ics/<token>/` for one booking or registration, e.g. `b2s-<22 chars>`.

    It names the thing and signs the name, so it is the same each time it is asked for and
    keeps showing the current state (moved, cancelled). Changing SECRET_KEY voids them all.
    """
    if (booking is None) == (registration is None):
        raise ValueError("Name one booking or one registration.")
    value = f"b{_base36(booking.pk)}" if booking is not None else f"r{_base36(registration.pk)}"
    return f"{value}-{_signature(value)}"


def download_target(token: str) -> tuple[str, int] | None:
    """("booking" or "registration", pk) for a genuine token; None for anything else."""
    match = _DOWNLOAD.match(token or "")
    if match is None:
        return None
    kind, number, signature = match.groups()
    if not constant_time_compare(signature, _signature(f"{kind}{number}")):
        return None
    return ("booking" if kind == "b" else "registration", int(number, 36))
