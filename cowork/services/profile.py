"""A member's own profile: name, e-mail, language, reminders, demographics.

Each change is one transaction and refuses bad input before writing anything. A change of
reminders or quiet hours records `member.reminders_changed`, on which the messaging layer
plans the member's pending reminders again; nothing else here needs anyone to react.
"""

import datetime
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.errors import InvalidInput
from cowork.models import DomainEventKind, Member, Participant
from cowork.models.people import (
    DEMOGRAPHIC_FIELDS,
    REMINDER_CHOICES,
    WG_DOMAINS,
    AgeBand,
    Gender,
    WGAnswer,
)
from cowork.services.locking import lock_named
from cowork.services.outbox import domain_event_record

NAME_MAX_LENGTH = 150
# Unicode's "other" categories: controls, format characters (bidi overrides, zero-width
# marks that make one name look like another), surrogates, private use, unassigned.
_FORBIDDEN_IN_NAMES = {"Cc", "Cf", "Cs", "Co", "Cn"}
# The answers the profile asks for; the old yes/no disability is only ever read.
ASKED_DEMOGRAPHICS = ("gender", "age_band", *WG_DOMAINS)
_CHOICES = {"gender": Gender.values, "age_band": AgeBand.values} | {
    field: WGAnswer.values for field in WG_DOMAINS
}


def clean_person_name(raw: str) -> str:
    """`raw` as a name to keep: trimmed, spaces collapsed; InvalidInput saying what is wrong."""
    if not isinstance(raw, str):
        raise InvalidInput(_("Enter your name."), code="no_name")
    if any(unicodedata.category(char) in _FORBIDDEN_IN_NAMES for char in raw):
        raise InvalidInput(
            _("A name cannot hold control or invisible characters."), code="bad_name"
        )
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput(_("Enter your name."), code="no_name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("A name can be at most %(limit)d characters long.") % {"limit": NAME_MAX_LENGTH},
            code="name_too_long",
        )
    return name


def _clean_email(raw: str) -> str:
    email = BaseUserManager.normalize_email((raw or "").strip())
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(_("Enter a valid e-mail address."), code="bad_email") from error
    return email


def member_for(*, user: AbstractBaseUser) -> Member:
    """The member profile of a signed-in user, made on first use (an account created in
    the admin may have none yet)."""
    member, _created = Member.objects.get_or_create(user=user)
    return member


def profile_update(*, user: AbstractBaseUser, name: str, email: str, language: str) -> Member:
    """Change the member's name, e-mail (optional, one account per address) and language;
    the participant row of the same person follows name and language. How messages reach
    them (Telegram, WhatsApp, SMS) is kept by the messaging channels, on their own page.

    The whole name is kept in `first_name` (up to 150 characters, as Django allows there):
    a name is not split into given and family names the person did not ask for.
    """
    name = clean_person_name(name)
    email = _clean_email(email)
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose one of the languages offered."), code="bad_language")
    with transaction.atomic():
        if email:
            # Two accounts saving the same address at once would both find it free.
            lock_named(f"user-email:{email.lower()}")
            taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk)
            if taken.exists():
                raise InvalidInput(
                    _("This e-mail address is already used by another account."),
                    code="email_taken",
                )
        member = Member.objects.select_for_update().get(pk=member_for(user=user).pk)
        get_user_model().objects.filter(pk=user.pk).update(
            first_name=name, last_name="", email=email
        )
        user.first_name, user.last_name, user.email = name, "", email
        member.language = language
        member.save(update_fields=["language"])
        _participants_of(member).filter(erased_at__isnull=True).update(name=name, language=language)
    return member


def reminders_update(
    *,
    member: Member,
    booking_reminders: bool,
    event_reminders: bool,
    reminder_minutes: list[int] | None,
    quiet_from: datetime.time | None,
    quiet_until: datetime.time | None,
) -> Member:
    """Set which reminders the member gets, how long before (None: the centre's times) and
    their own quiet hours (both or neither); pending reminders are planned again."""
    allowed = {minutes for minutes, _label in REMINDER_CHOICES}
    if reminder_minutes is not None:
        if not reminder_minutes or not set(reminder_minutes) <= allowed:
            raise InvalidInput(
                _("Choose at least one reminder time from the list."), code="bad_reminders"
            )
        reminder_minutes = sorted(set(reminder_minutes), reverse=True)
    for value in (quiet_from, quiet_until):
        if value is not None and not isinstance(value, datetime.time):
            raise InvalidInput(_("Quiet hours must be times, e.g. 22:00."), code="bad_quiet_hours")
    if (quiet_from is None) != (quiet_until is None):
        raise InvalidInput(
            _("Give both the start and the end of your quiet hours, or neither."),
            code="bad_quiet_hours",
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise InvalidInput(
            _("Quiet hours must end at another time than they start."), code="bad_quiet_hours"
        )
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.booking_reminders = bool(booking_reminders)
        member.event_reminders = bool(event_reminders)
        member.reminder_minutes = reminder_minutes
        member.quiet_from, member.quiet_until = quiet_from, quiet_until
        member.reminders_version += 1
        member.save(
            update_fields=[
                "booking_reminders",
                "event_reminders",
                "reminder_minutes",
                "quiet_from",
                "quiet_until",
                "reminders_version",
            ]
        )
        domain_event_record(
            kind=DomainEventKind.MEMBER_REMINDERS_CHANGED,
            aggregate=member,
            space=None,
            payload={"member": member.pk, "version": member.reminders_version},
        )
    return member


def demographics_update(
    *,
    member: Member,
    consent: bool,
    answers: Mapping[str, str],
    now: datetime.datetime | None = None,
) -> Member:
    """Keep the member's answers (gender, age band, the six Washington Group questions)
    with their consent, on their account and on the participant row of the same person,
    whose attendance reports count. Unknown answers are refused; blanks are "not asked"."""
    unknown = set(answers) - set(ASKED_DEMOGRAPHICS)
    if unknown:
        raise InvalidInput(_("Unknown question."), code="bad_demographics")
    values = {field: answers.get(field, "") or "" for field in ASKED_DEMOGRAPHICS}
    for field, value in values.items():
        if value and value not in _CHOICES[field]:
            raise InvalidInput(_("Choose one of the answers offered."), code="bad_demographics")
    if not consent:
        raise InvalidInput(
            _("These answers are kept only with your consent; tick the consent box."),
            code="demographics_without_consent",
        )
    now = now or timezone.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        fields = {**values, "demographics_consent_at": now}
        for field, value in fields.items():
            setattr(member, field, value)
        member.save(update_fields=list(fields))
        _participants_of(member).filter(erased_at__isnull=True).update(**fields)
    return member


def demographics_withdraw(*, member: Member) -> Member:
    """Withdraw consent: every answer is deleted, on the account and on the participant row
    of the same person (the old yes/no answer too). Reports count them as not given."""
    cleared = {field: "" for field in DEMOGRAPHIC_FIELDS} | {"demographics_consent_at": None}
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        for field, value in cleared.items():
            setattr(member, field, value)
        member.save(update_fields=list(cleared))
        _participants_of(member).update(**cleared)
    return member


def _participants_of(member: Member):
    """The participant rows of the member's person: linked to the account, or with its phone."""
    rows = Participant.objects.filter(member=member)
    if member.phone:
        rows = rows | Participant.objects.filter(phone=member.phone)
    return Participant.objects.filter(pk__in=rows.values("pk"))
