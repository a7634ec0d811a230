"""One row of every admin's model at Kramatorsk and one at Ganja, on top of the demo, for
the admin's matrix of roles (tests/cowork/test_admin_matrix.py)."""

import datetime

from django.contrib.auth.models import Group

from cowork.models import (
    ApiToken,
    Attendance,
    DisplayToken,
    DomainEvent,
    DonorAccess,
    Member,
    Participant,
    Resource,
    Series,
    SpaceRole,
    Tag,
)
from cowork.services.booking import booking_create
from cowork.services.events import registration_create
from cowork.services.visits import walk_in_record
from notifications.models import InboundSms, Notification, SentDonorReport, SmsOptOut, SmsSender
from tests.factories import next_weekday


def _centre_rows(space, *, host, member, event, tag, marker: str, phone: str) -> dict:
    """The rows of one centre, keyed by model label; names carry `marker`."""
    desk = space.resources.filter(kind=Resource.Kind.DESK).first()
    desk.name = f"{marker} desk"
    desk.save(update_fields=["name"])
    start = next_weekday(space, weekday=1)
    booking = booking_create(
        resource=desk, member=member, starts_at=start, ends_at=start.replace(hour=12)
    )
    registration, _cancel_key = registration_create(
        event=event, name=f"{marker} participant", phone=phone
    )
    return {
        "cowork.Space": space,
        "cowork.Organization": space.organization,
        "cowork.Resource": desk,
        "cowork.SpaceRole": SpaceRole.objects.get(space=space, user=host),
        "cowork.Booking": booking,
        "cowork.Series": Series.objects.create(
            resource=desk,
            booked_by=member,
            rrule="FREQ=WEEKLY;BYDAY=TU",
            first_start_local=start,
            duration_minutes=60,
            time_zone=space.time_zone,
            purpose=f"{marker} series",
        ),
        "cowork.Event": event,
        "cowork.Registration": registration,
        "cowork.Attendance": Attendance.objects.create(
            session=event.sessions.first(),
            participant=registration.participant,
            method=Attendance.Method.HOST,
        ),
        "cowork.DisplayToken": DisplayToken.objects.create(
            space=space, name=f"{marker} lobby", key_hash=DisplayToken.hash(f"{marker}-key")
        ),
        "cowork.Tag": tag,
        "cowork.WalkIn": walk_in_record(
            space=space, source="live", client_key=f"{marker}-tap", logged_by=host, gender="female"
        ).visit,
        "notifications.Notification": Notification.objects.create(
            key=f"{marker}-reminder",
            kind=Notification.Kind.BOOKING_REMINDER,
            space=space,
            booking=booking,
            phone="+380501110003",
            recipient_name=f"{marker} recipient",
            due_at=start - datetime.timedelta(hours=2),
            next_attempt_at=start - datetime.timedelta(hours=2),
        ),
        "notifications.SmsSender": SmsSender.objects.create(
            space=space, country="UZ", sender="CoworkUZ"
        ),
    }


def network_rows(demo) -> dict:
    """Rows that belong to no centre: people, keys, the outbox, SMS opt-outs."""
    return {
        "cowork.Member": Member.objects.get(user=demo.member),
        "cowork.Participant": Participant.objects.create(name="Network participant"),
        "cowork.ApiToken": ApiToken.objects.create(
            user=demo.member,
            name="Network token",
            prefix="nettoken",
            key_hash=ApiToken.hash("network-token"),
        ),
        "cowork.DonorAccess": DonorAccess.objects.get(user=demo.donor),
        "auth.User": demo.member,
        "cowork.DomainEvent": DomainEvent.objects.first(),
        "notifications.SmsOptOut": SmsOptOut.objects.create(phone="+380501119999"),
        "notifications.InboundSms": InboundSms.objects.create(
            message_sid="SM-network", phone="+380501119998", body="STOP"
        ),
        "notifications.SentDonorReport": SentDonorReport.objects.create(
            user=demo.donor, month=datetime.date(2026, 1, 1), recipient="donor@example.org"
        ),
        "auth.Group": Group.objects.create(name="Network group"),
    }


def centre_rows(demo, kramatorsk_event) -> dict:
    """{"kramatorsk": rows, "ganja": rows}: what each centre's host may and may not reach."""
    kramatorsk_tag = Tag.objects.create(
        kind=Tag.Kind.PROJECT,
        name="Kramatorsk-only IT project",
        organization=demo.kramatorsk.organization,
    )
    return {
        "kramatorsk": _centre_rows(
            demo.kramatorsk,
            host=demo.host,
            member=demo.member,
            event=kramatorsk_event,
            tag=kramatorsk_tag,
            marker="Kramatorsk-only",
            phone="+380505550001",
        ),
        "ganja": _centre_rows(
            demo.ganja,
            host=demo.ganja_host,
            member=demo.member,
            event=demo.round_table,
            tag=demo.ganja_tag,
            marker="Ganja-only",
            phone="+994505550002",
        ),
    }
