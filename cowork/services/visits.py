"""Walk-in visits: counting the people who come to a centre without booking.

One service, `walk_in_record`, for the host's "+1 visitor" tap on the live page, the same
tap on the door tablet, and the visitor's own sign-in at the door kiosk.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import (
    DisplayToken,
    DomainEventKind,
    Member,
    Participant,
    Space,
    WalkIn,
    WalkInSource,
)
from cowork.models.people import AgeBand, Gender
from cowork.models.visits import phone_fingerprint
from cowork.phones import phone_for_centre
from cowork.selectors.access import user_works_at_space
from cowork.services.outbox import domain_event_record

# A device's name for one tap: printable ASCII without spaces, as an Idempotency-Key; a
# UUID fits.
VALID_CLIENT_KEY = re.compile(r"[!-~]{1,64}")


@dataclass(frozen=True)
class WalkInResult:
    visit: WalkIn
    # False: this tap (its client key) or this visitor (their phone, today) was counted
    # already, and `visit` is that earlier visit.
    counted: bool

    @property
    def returning(self) -> bool:
        return self.visit.returning


def _choice(value: str, choices, message: str, code: str) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise InvalidInput(message, code=code)
    return value


def _known_person(phone: str) -> tuple[Member | None, Participant | None]:
    """The member or the participant (with their member, if any) this phone belongs to."""
    member = Member.objects.filter(phone=phone).first()
    participant = (
        Participant.objects.filter(phone=phone, erased_at__isnull=True)
        .select_related("member")
        .first()
    )
    if member is None and participant is not None:
        member = participant.member
    return member, participant


def _authorize(space: Space, source: str, logged_by, display: DisplayToken | None) -> None:
    if source == WalkInSource.LIVE:
        if logged_by is None or not user_works_at_space(user=logged_by, space=space):
            raise NotAllowed(_("Only the centre's hosts and staff count visitors."))
        return
    if display is None or display.space_id != space.pk or display.revoked_at is not None:
        raise NotAllowed(
            _("This door tablet is switched off; ask a host for a new display address."),
            code="display_revoked",
        )


def walk_in_record(
    *,
    space: Space,
    source: str,
    client_key: str,
    logged_by=None,
    display: DisplayToken | None = None,
    gender: str = "",
    age_band: str = "",
    phone: str = "",
    now: datetime.datetime | None = None,
) -> WalkInResult:
    """Count one walk-in visit to `space` and tell the live pages.

    `source` says where it was logged: the live page (`logged_by`, who works at the centre)
    or the door tablet and its kiosk (`display`, a working display of the centre). A retry
    with the same `client_key` finds the visit its first try made and counts nothing; so
    does a phone already counted at the centre today. A phone (optional, typed as the
    centre reads numbers) recognises a returning visitor: someone known to the network by
    it, or seen at this centre on an earlier day; only its fingerprint is kept.

    Raises InvalidInput for a bad key, sex, age band or phone; NotAllowed for someone or a
    tablet that may not count visitors here. Nothing is recorded then.
    """
    source = _choice(source, WalkInSource, _("Unknown place of logging."), "bad_source")
    if not source:
        raise InvalidInput(_("Unknown place of logging."), code="bad_source")
    if not isinstance(client_key, str) or not VALID_CLIENT_KEY.fullmatch(client_key):
        raise InvalidInput(
            _("Each tap needs its own key of 1 to 64 printable characters; reload the page."),
            code="bad_client_key",
        )
    gender = _choice(gender, Gender, _("Choose a sex from the list."), "bad_gender")
    age_band = _choice(age_band, AgeBand, _("Choose an age band from the list."), "bad_age_band")
    if not space.is_active:
        raise NotAllowed(_("This centre is closed for good."), code="space_inactive")
    _authorize(space, source, logged_by, display)
    phone_key, member, participant = "", None, None
    if (phone or "").strip():
        try:
            e164 = phone_for_centre(phone, space=space)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], code="bad_phone") from error
        phone_key = phone_fingerprint(e164)
        member, participant = _known_person(e164)

    now = now or timezone.now()
    day = now.astimezone(space.zone).date()
    with transaction.atomic():
        earlier = WalkIn.objects.filter(space=space, client_key=client_key).first()
        if earlier is None and phone_key:
            earlier = WalkIn.objects.filter(space=space, day=day, phone_key=phone_key).first()
        if earlier is not None:
            return WalkInResult(earlier, counted=False)
        returning = bool(phone_key) and (
            member is not None
            or participant is not None
            or WalkIn.objects.filter(space=space, phone_key=phone_key, day__lt=day).exists()
        )
        try:
            with transaction.atomic():
                visit = WalkIn.objects.create(
                    space=space,
                    visited_at=now,
                    day=day,
                    gender=gender,
                    age_band=age_band,
                    phone_key=phone_key,
                    returning=returning,
                    member=member,
                    visitor=member.user if member is not None else None,
                    participant=participant,
                    source=source,
                    logged_by=logged_by if source == WalkInSource.LIVE else None,
                    display=display,
                    client_key=client_key,
                )
        except IntegrityError:
            # The same tap committed meanwhile (a retry racing its first try), or the same
            # phone signed in today already.
            same = Q(client_key=client_key)
            if phone_key:
                same |= Q(day=day, phone_key=phone_key)
            return WalkInResult(WalkIn.objects.filter(same, space=space).get(), counted=False)
        domain_event_record(
            kind=DomainEventKind.WALK_IN_RECORDED,
            aggregate=visit,
            space=space,
            payload={"walk_in": visit.pk, "source": source},
        )
    return WalkInResult(visit, counted=True)
