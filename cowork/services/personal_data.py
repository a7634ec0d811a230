"""Everything held about a person: shown to them (or to a network admin on their request),
and erased when they delete their account.

Other apps hold personal data of their own (the messaging layer: the SMS sent and
received, calendar links). The domain never imports them: they register a holder here
from their `AppConfig.ready()` (`personal_data_holder_register`), which exports what they
hold about a person and erases it, inside the erasure's transaction.

Erasure keeps what reports count and nothing that names anyone. Coming bookings and
registrations are cancelled through their services, so the usual notices go out (the
waitlist moves up, live views and calendars follow). Past attendance stays as it was,
held by the participant row with its name, phone and e-mail removed: the consented
answers stay on that row, now nobody's, so every total and breakdown of the reports is
the same before and after. The user row stays too, as a nameless, inactive tombstone,
because past bookings, which count in the use of desks and rooms, hold it. Walk-in visits
stay counted the same way, by that account and those participant rows, their phone's
fingerprint replaced by a random key (`_mask_walk_ins`).
"""

import datetime
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cowork.dates import day as format_day
from cowork.dates import local_time
from cowork.errors import NotAllowed
from cowork.models import (
    ApiToken,
    Attendance,
    Booking,
    BookingStatus,
    DomainEventKind,
    DonorAccess,
    Member,
    Participant,
    Registration,
    RegistrationStatus,
    Series,
    SpaceRole,
)
from cowork.models.people import DEMOGRAPHIC_FIELDS
from cowork.models.visits import WalkIn, phone_fingerprint
from cowork.models.waits import OPEN_WAIT_STATUSES, ResourceWait
from cowork.selectors.access import user_is_network_admin
from cowork.services.booking import booking_cancel
from cowork.services.events import registration_cancel
from cowork.services.outbox import domain_event_record
from cowork.services.waits import resource_wait_leave

# --- What is held: sections of records, for a JSON file and a readable page ------------


@dataclass(frozen=True)
class Item:
    """One fact: `key` names it in the JSON file, `label` on the page."""

    key: str
    label: str
    value: Any
    shown: Any


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: list[list[Item]]

    def as_json(self) -> list[dict]:
        return [{item.key: item.value for item in record} for record in self.records]


def record_of(instance: models.Model, names: Iterable[str]) -> list[Item]:
    """The fields `names` of a model instance, labelled with their verbose names."""
    items = []
    for name in names:
        model_field = instance._meta.get_field(name)
        value = getattr(instance, model_field.attname)
        shown = value
        if model_field.choices and value:
            shown = getattr(instance, f"get_{name}_display")()
        elif isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        items.append(Item(name, str(model_field.verbose_name), value, shown))
    return items


@dataclass(frozen=True)
class Person:
    """Who a person is to the holders: the rows and identifiers that lead to them."""

    user_id: int
    phones: frozenset[str]
    emails: frozenset[str]
    booking_ids: frozenset[int]
    registration_ids: frozenset[int]


Exporter = Callable[[Person], list[Section]]
Eraser = Callable[[Person], None]


@dataclass
class _Holder:
    export: Exporter
    erase: Eraser


_holders: dict[str, _Holder] = {}


def personal_data_holder_register(*, name: str, export: Exporter, erase: Eraser) -> None:
    """Let an app outside the domain export and erase what it holds about a person.

    `erase` runs inside the erasure's transaction, before the person's phone and e-mail
    are removed from the domain's rows; it must only write to the database.
    """
    _holders[name] = _Holder(export=export, erase=erase)


# --- Who the person is ------------------------------------------------------------------


def _participants(user: AbstractBaseUser, member: Member | None):
    where = Q(member__user=user)
    if member is not None and member.phone:
        where |= Q(phone=member.phone)
    return Participant.objects.filter(where, erased_at__isnull=True).order_by("pk")


def _person(user, member, participants) -> Person:
    phones = {member.phone} if member is not None and member.phone else set()
    phones |= {p.phone for p in participants if p.phone}
    emails = {user.email} if user.email else set()
    emails |= {p.email for p in participants if p.email}
    return Person(
        user_id=user.pk,
        phones=frozenset(phones),
        emails=frozenset(emails),
        booking_ids=frozenset(Booking.objects.filter(booked_by=user).values_list("pk", flat=True)),
        registration_ids=frozenset(
            Registration.objects.filter(participant__in=participants).values_list("pk", flat=True)
        ),
    )


def _authorize(*, user, acting_user) -> None:
    if acting_user.pk != user.pk and not user_is_network_admin(user=acting_user):
        raise NotAllowed(_("Only the person themself or a network admin may do this."))


# --- Export -----------------------------------------------------------------------------

ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "date_joined", "last_login")
MEMBER_FIELDS = (
    "phone",
    "language",
    "organization",
    "is_network_admin",
    "booking_reminders",
    "event_reminders",
    "reminder_minutes",
    "quiet_from",
    "quiet_until",
    *DEMOGRAPHIC_FIELDS,
    "demographics_consent_at",
)
BOOKING_FIELDS = (
    "space",
    "resource",
    "starts_at",
    "ends_at",
    "status",
    "purpose",
    "created_at",
    "checked_in_at",
    "cancelled_at",
)
PARTICIPANT_FIELDS = (
    "name",
    "phone",
    "email",
    "language",
    *DEMOGRAPHIC_FIELDS,
    "demographics_consent_at",
    "created_at",
)
REGISTRATION_FIELDS = (
    "event",
    "status",
    "organization_type",
    "accessibility_needs",
    "created_at",
    "cancelled_at",
)


def _with_names(record: list[Item], instance, relations: Iterable[str]) -> list[Item]:
    """Show related rows (a centre, an event) by their names, not by their ids."""
    for position, item in enumerate(record):
        if item.key in relations and item.value is not None:
            named = str(getattr(instance, item.key))
            record[position] = Item(item.key, item.label, named, named)
    return record


def personal_data_export(*, user: AbstractBaseUser, acting_user) -> list[Section]:
    """Everything held about `user`, in sections; for them, or a network admin.

    A read, kept here with the erasure so that one module knows what is held about a
    person: what this exports is what `account_erase` removes.
    """
    _authorize(user=user, acting_user=acting_user)
    member = Member.objects.select_related("organization").filter(user=user).first()
    participants = list(_participants(user, member))
    sections = [
        Section("account", gettext_lazy("Account"), [record_of(user, ACCOUNT_FIELDS)]),
    ]
    if member is not None:
        record = _with_names(record_of(member, MEMBER_FIELDS), member, ["organization"])
        sections.append(Section("profile", gettext_lazy("Profile"), [record]))
    roles = SpaceRole.objects.filter(user=user).select_related("space")
    sections.append(
        Section(
            "roles",
            gettext_lazy("Roles at centres"),
            [_with_names(record_of(role, ("space", "role")), role, ["space"]) for role in roles],
        )
    )
    bookings = Booking.objects.filter(booked_by=user).select_related("space", "resource")
    sections.append(
        Section(
            "bookings",
            gettext_lazy("Bookings"),
            [
                _with_names(record_of(b, BOOKING_FIELDS), b, ["space", "resource"])
                for b in bookings.order_by("starts_at")
            ],
        )
    )
    sections.append(
        Section(
            "participants",
            gettext_lazy("As a participant of events"),
            [record_of(p, PARTICIPANT_FIELDS) for p in participants],
        )
    )
    registrations = Registration.objects.filter(participant__in=participants).select_related(
        "event"
    )
    sections.append(
        Section(
            "registrations",
            gettext_lazy("Event registrations"),
            [
                _with_names(record_of(r, REGISTRATION_FIELDS), r, ["event"])
                for r in registrations.order_by("created_at")
            ],
        )
    )
    attendances = Attendance.objects.filter(participant__in=participants).select_related(
        "session__event"
    )
    sections.append(
        Section(
            "attendances",
            gettext_lazy("Attendance"),
            [
                _with_names(record_of(a, ("session", "method", "at")), a, ["session"])
                for a in attendances.order_by("at")
            ],
        )
    )
    person = _person(user, member, participants)
    visits = _walk_ins(user, member, participants, person.phones).select_related("space")
    sections.append(
        Section(
            "walk_ins",
            gettext_lazy("Visits without a booking"),
            [_walk_in_record(visit) for visit in visits.order_by("visited_at")],
        )
    )
    for holder in _holders.values():
        sections.extend(holder.export(person))
    return sections


def _walk_ins(user, member: Member | None, participants, phones: Iterable[str]):
    """The person's walk-ins: by their account, member profile, participant rows, or the
    fingerprint of a phone of theirs."""
    where = (
        Q(visitor=user)
        | Q(participant__in=participants)
        | Q(phone_key__in=[phone_fingerprint(phone) for phone in phones])
    )
    if member is not None:
        where |= Q(member=member)
    return WalkIn.objects.filter(where)


def _walk_in_record(visit: WalkIn) -> list[Item]:
    """A walk-in as the reader reads it: the centre's local day and time, the centre's name
    in the reader's language, where it was logged and what the visitor told."""
    zone = visit.space.zone
    centre = visit.space.name_in(translation.get_language())
    local = visit.visited_at.astimezone(zone)
    day, space, *told = record_of(visit, ("day", "space", "source", "gender", "age_band"))
    return [
        Item(day.key, day.label, day.value, format_day(visit.day)),
        Item("time", _("time at the centre"), f"{local:%H:%M}", local_time(visit.visited_at, zone)),
        Item(space.key, space.label, centre, centre),
        *told,
    ]


def personal_data_json(sections: list[Section]) -> dict:
    return {section.key: section.as_json() for section in sections}


# --- Erasure ----------------------------------------------------------------------------


@dataclass
class Erased:
    bookings_cancelled: list[int] = field(default_factory=list)
    registrations_cancelled: list[int] = field(default_factory=list)
    participants_anonymized: int = 0


def account_erase(
    *, user: AbstractBaseUser, acting_user, now: datetime.datetime | None = None
) -> Erased:
    """Delete `user`'s account: on their own wish, or by a network admin on their request.

    In one transaction: coming bookings and registrations are cancelled through their
    services (as the person, who asked for it), the holders erase what they keep, the
    participant rows lose name, phone and e-mail but keep their attendance and consented
    answers, and the account loses everything that names or reaches the person and can no
    longer sign in. Records `person.erased`, which names no one.
    """
    _authorize(user=user, acting_user=acting_user)
    now = now or timezone.now()
    erased = Erased()
    with transaction.atomic():
        member = Member.objects.filter(user=user).first()
        participants = list(_participants(user, member))
        person = _person(user, member, participants)
        coming = Booking.objects.filter(
            booked_by=user,
            status__in=(BookingStatus.PENDING, BookingStatus.CONFIRMED),
            ends_at__gt=now,
            # A host's booking of an event's room belongs to the event, not to the host.
            event_session__isnull=True,
            event_session_room__isnull=True,
        )
        for booking in coming.select_related("space", "resource").order_by("starts_at"):
            # Cancelling one booking cancels those made together with it.
            if coming.filter(pk=booking.pk).exists():
                cancelled = booking_cancel(booking=booking, acting_user=user, now=now)
                erased.bookings_cancelled += [item.pk for item in cancelled]
        for participant in participants:
            registrations = participant.registrations.exclude(
                status=RegistrationStatus.CANCELLED
            ).filter(event__starts_at__gt=now)
            for registration in registrations:
                registration_cancel(registration=registration, participant=participant, now=now)
                erased.registrations_cancelled.append(registration.pk)
        # Their places on waitlists end, and an offer made to them passes to the next.
        for wait in ResourceWait.objects.filter(member=user, status__in=OPEN_WAIT_STATUSES):
            resource_wait_leave(wait=wait, acting_user=user, now=now)
        for holder in _holders.values():
            holder.erase(person)
        _mask_walk_ins(_walk_ins(user, member, participants, person.phones))
        erased.participants_anonymized = _anonymize_participants(participants, now=now)
        Booking.objects.filter(booked_by=user).update(purpose="")
        Series.objects.filter(booked_by=user).update(purpose="")
        for model in (SpaceRole, DonorAccess, ApiToken):
            model.objects.filter(user=user).delete()
        if member is not None:
            member.delete()
        _close_account(user)
        domain_event_record(
            kind=DomainEventKind.PERSON_ERASED,
            aggregate=user,
            space=None,
            payload={"user": user.pk, "by": acting_user.pk},
        )
    return erased


def _mask_walk_ins(walk_ins) -> None:
    """Their walk-ins still count as the reports counted them, but lead back to no one.

    The account and the participant rows stay, nameless, as bookings and attendance keep
    them: by them a walk-in is known to be a check-in's person, or one person's of several
    visits. The member profile goes. A phone's fingerprint, which would tell the number
    again, gives way everywhere to a random key of its own, so that phone's visits are
    still one visitor's and no more.
    """
    ids = list(walk_ins.values_list("pk", flat=True))
    keys = WalkIn.objects.filter(pk__in=ids).exclude(phone_key="").values_list("phone_key")
    for key in {key for (key,) in keys}:
        WalkIn.objects.filter(phone_key=key).update(phone_key=secrets.token_hex(32))
    WalkIn.objects.filter(pk__in=ids).update(member=None)


def _anonymize_participants(participants: list[Participant], *, now) -> int:
    ids = [participant.pk for participant in participants]
    registrations = Registration.objects.filter(participant_id__in=ids)
    registrations.update(accessibility_needs="")
    # The person's own links (the registration page shows their phone) stop working.
    for pk in registrations.values_list("pk", flat=True):
        Registration.objects.filter(pk=pk).update(cancel_key_hash=secrets.token_hex(32))
    return Participant.objects.filter(pk__in=ids).update(
        name="", phone=None, email="", member=None, erased_at=now
    )


def _close_account(user: AbstractBaseUser) -> None:
    user.username = f"erased-{user.pk}-{secrets.token_hex(4)}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
