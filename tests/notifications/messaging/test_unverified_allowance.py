"""SMS to numbers we have never reached come out of a small allowance, under a network cap.

Confirmations are essential, so the monthly budget never stops them; what stops an SMS
pumping run is that a number nobody has shown to be a person's (no delivered SMS, no reply,
not a member's, not registered by a host) takes one of the centre's SMS to unverified
numbers of the past 24 hours, within the network's own cap. Past either, the message is held
back, the registration stands, and the hosts hear of it once that day.

Registrations go through the real page, SMS through the real dispatcher: into the locmem
backend, or through the real twilio client into the fake Twilio.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cowork.models import Registration
from cowork.services.events import registration_create
from notifications.messaging.delivery import notification_record_status
from notifications.messaging.dispatch import dispatch_due
from notifications.messaging.enqueue import notification_enqueue
from notifications.models import InboundSms, Notification, SmsUnverifiedCapAlert
from tests import factories
from tests.notifications.messaging.sending import dispatch_from_workers
from tests.notifications.sms.fake_twilio import twilio_error

Kind, Status = Notification.Kind, Notification.Status


pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def host(sms_space):
    return factories.HostFactory(space=sms_space, user__email="host@ganja.example.org").user


@pytest.fixture
def event(sms_space, host):
    room = factories.RoomFactory(space=sms_space, name="Hall", capacity=40)
    starts_at = factories.next_weekday(sms_space, weekday=3, at=datetime.time(11, 0))
    return factories.one_session_event(
        room, host, starts_at, kind="round_table", title="Round-table on e-government", capacity=40
    )


def _register(client, event, n: int, **extra):
    """Someone registers from their own phone's network, with a number of their own."""
    return client.post(
        reverse("web:event", args=[event.pk]),
        {"name": f"Person {n}", "phone": f"+9945070{n:05d}", "language": "az", **extra},
        REMOTE_ADDR=f"203.0.113.{n}",
    )


def _hosts_alerts():
    return [m for m in mail.outbox if "held back" in m.subject]


def _enqueue(space, phone, n, **fields):
    return notification_enqueue(
        key=f"test:{n}",
        kind=Kind.REGISTRATION_CONFIRMED,
        phone=phone,
        language="en",
        due_at=timezone.now(),
        space=space,
        body=f"You are registered ({n}).",
        **fields,
    )


@pytest.mark.django_db
def test_sms_to_new_numbers_stop_at_the_centres_allowance_and_every_registration_stands(
    client, event, relay_now, locmem_sms
):
    responses = [_register(client, event, n) for n in range(25)]
    assert all(response.status_code == 302 for response in responses)
    relay_now()
    dispatch_due()

    assert len(locmem_sms) == 20
    held = Notification.objects.filter(status=Status.CANCELLED, error_code="unverified_cap")
    assert held.count() == 5
    assert all(row.kind == Kind.REGISTRATION_CONFIRMED for row in held)
    texted = {sms.to for sms in locmem_sms}
    for response in responses:
        page = client.get(response["Location"]).content.decode()
        assert "Confirmed: you have a place at Round-table on e-government." in page
        assert re.search(r"/registrations/[\w-]+/cancel/", page)
    assert Registration.objects.filter(status="confirmed").count() == 25
    assert len(texted) == 20

    (alert,) = _hosts_alerts()
    assert alert.to == ["host@ganja.example.org"]
    assert "20 SMS a day to unverified numbers are spent" in alert.body
    # More people, more held back, and still one e-mail that day.
    _register(client, event, 30)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 20
    assert len(_hosts_alerts()) == 1
    assert SmsUnverifiedCapAlert.objects.count() == 1


@pytest.mark.django_db
def test_numbers_known_to_reach_a_person_are_texted_whatever_the_allowance(
    sms_space, host, event, relay_now, locmem_sms
):
    sms_space.sms_unverified_daily_limit = 0
    sms_space.save(update_fields=["sms_unverified_daily_limit"])
    member_phone = factories.MemberFactory(phone="+994501230001").phone
    InboundSms.objects.create(message_sid="SM" + "1" * 32, phone="+994501230002", body="Y")
    delivered = _enqueue(sms_space, "+994501230003", 0)
    Notification.objects.filter(pk=delivered.pk).update(
        status=Status.DELIVERED, sent_at=timezone.now()
    )
    registration_create(event=event, name="Called in", phone="+994501230004", registered_by=host)
    relay_now()
    for n, phone in enumerate([member_phone, "+994501230002", "+994501230003"], start=1):
        _enqueue(sms_space, phone, n)
    _enqueue(sms_space, "+994501230005", 9)

    dispatch_due()
    assert sorted(sms.to for sms in locmem_sms) == [
        "+994501230001",
        "+994501230002",
        "+994501230003",
        "+994501230004",
    ]
    held = Notification.objects.get(status=Status.CANCELLED)
    assert (held.phone, held.error_code) == ("+994501230005", "unverified_cap")


@pytest.mark.django_db
def test_a_delivery_report_makes_a_number_known(sms_space, locmem_sms):
    sms_space.sms_unverified_daily_limit = 1
    sms_space.save(update_fields=["sms_unverified_daily_limit"])
    first = _enqueue(sms_space, "+994501230011", 1)
    dispatch_due()
    (sms,) = locmem_sms
    notification_record_status(provider_id=sms.provider_id, provider_status="delivered")
    _enqueue(sms_space, "+994501230011", 2)
    _enqueue(sms_space, "+994501230012", 3)
    dispatch_due()
    assert [sms.to for sms in locmem_sms] == ["+994501230011", "+994501230011"]
    first.refresh_from_db()
    assert first.unverified_at is not None
    assert Notification.objects.get(phone="+994501230012").error_code == "unverified_cap"


@pytest.mark.django_db
def test_the_network_cap_holds_whatever_each_centre_may_send(settings, locmem_sms):
    settings.SMS_UNVERIFIED_NETWORK_DAILY_LIMIT = 3
    ganja = factories.SpaceFactory(sms_unverified_daily_limit=10)
    baku = factories.SpaceFactory(sms_unverified_daily_limit=10)
    for n in range(3):
        _enqueue(ganja, f"+99450123002{n}", n)
        _enqueue(baku, f"+99450123003{n}", 10 + n)
    dispatch_due()
    assert len(locmem_sms) == 3
    held = Notification.objects.filter(error_code="unverified_cap")
    assert held.count() == 3
    assert all("network's 3 SMS a day" in row.error_message for row in held)


@pytest.mark.django_db
def test_a_held_back_message_reaches_the_person_by_email_if_they_gave_one(
    client, sms_space, event, relay_now, locmem_sms
):
    sms_space.sms_unverified_daily_limit = 0
    sms_space.save(update_fields=["sms_unverified_daily_limit"])
    assert _register(client, event, 1, email="person@example.org").status_code == 302
    relay_now()
    dispatch_due()
    assert locmem_sms == []
    (to_person,) = [m for m in mail.outbox if m.to == ["person@example.org"] and not m.alternatives]
    assert "Round-table on e-government" in to_person.body


@pytest.mark.django_db(transaction=True)
def test_workers_sending_at_once_cannot_take_more_than_the_allowance(locmem_sms):
    space = factories.SpaceFactory(sms_unverified_daily_limit=5)
    for n in range(30):
        _enqueue(space, f"+9945070{n:05d}", n)
    dispatch_from_workers(3, limit=2)
    assert len(locmem_sms) == 5
    assert Notification.objects.filter(unverified_at__isnull=False).count() == 5
    assert Notification.objects.filter(error_code="unverified_cap").count() == 25


@pytest.mark.django_db
def test_pumping_through_twilio_stops_at_the_allowance(
    client, sms_space, event, relay_now, fake_twilio
):
    sms_space.sms_unverified_daily_limit = 2
    sms_space.save(update_fields=["sms_unverified_daily_limit"])
    for n in range(6):
        assert _register(client, event, n).status_code == 302
    relay_now()
    dispatch_due()
    assert len(fake_twilio.messages) == 2
    assert Notification.objects.filter(error_code="unverified_cap").count() == 4


@pytest.mark.django_db
def test_a_send_retried_after_an_outage_takes_one_place_in_the_allowance(sms_space, fake_twilio):
    sms_space.sms_unverified_daily_limit = 1
    sms_space.save(update_fields=["sms_unverified_daily_limit"])
    first = _enqueue(sms_space, "+994501230041", 1)
    fake_twilio.reply_with(twilio_error(status=500, code=20500, message="Internal error"))
    assert dispatch_due().retried == 1
    first.refresh_from_db()
    counted_at, later = first.unverified_at, first.next_attempt_at
    assert counted_at is not None
    assert dispatch_due(now=later).sent == 1
    _enqueue(sms_space, "+994501230042", 2)
    dispatch_due(now=later)
    assert [m.form["To"] for m in fake_twilio.messages] == ["+994501230041"]
    first.refresh_from_db()
    assert first.unverified_at == counted_at
    assert Notification.objects.get(phone="+994501230042").error_code == "unverified_cap"
