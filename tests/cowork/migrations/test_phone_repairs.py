"""The phone repair puts right the numbers the former network default read as Azerbaijani
where the data tells, lists the rest with a reason, never makes two people one, and can be
undone."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command

from tests.cowork.migrations.conftest import (
    migrate_to,
    migrate_to_latest,
    migration_and_parent,
)

pytestmark = pytest.mark.django_db(transaction=True)

UTC = datetime.UTC
_serial = itertools.count()


class Network:
    """Centres and people made with the models as they were before the repair."""

    def __init__(self, apps):
        self.apps = apps
        self.model = apps.get_model
        self.organization = self.model("cowork", "Organization").objects.create(
            name="Network", slug="network", country="AZ"
        )

    def centre(self, city, country, zone, phone_countries=()):
        space = self.model("cowork", "Space").objects.create(
            organization=self.organization,
            name=f"{city} centre",
            slug=city.lower(),
            city=city,
            country=country,
            time_zone=zone,
            safety_capacity=30,
            phone_countries=list(phone_countries),
        )
        space.room = self.model("cowork", "Resource").objects.create(
            space=space, kind="room", name="Hall", capacity=20
        )
        return space

    def participant(self, phone, *centres, member=None):
        person = self.model("cowork", "Participant").objects.create(
            name=f"Person {phone}", phone=phone, member=member
        )
        for space in centres:
            self.register(person, space)
        return person

    def register(self, person, space):
        n = next(_serial)
        start = datetime.datetime(2027, 3, 10, 8, tzinfo=UTC) + datetime.timedelta(days=n)
        event = self.model("cowork", "Event").objects.create(
            space=space,
            room=space.room,
            kind="training",
            title=f"Training {n}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=10,
        )
        self.model("cowork", "Registration").objects.create(
            event=event, participant=person, status="confirmed", cancel_key_hash=f"{n:064x}"
        )

    def member(self, phone, *centres):
        user = self.model("auth", "User").objects.create(username=f"user{phone}")
        member = self.model("cowork", "Member").objects.create(user=user, phone=phone)
        for space in centres:
            n = next(_serial)
            start = datetime.datetime(2027, 4, 1, 8, tzinfo=UTC) + datetime.timedelta(days=n)
            self.model("cowork", "Booking").objects.create(
                resource=space.room,
                space=space,
                booked_by=user,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                blocked_until=start + datetime.timedelta(hours=1),
                status="confirmed",
            )
        return member


@pytest.fixture
def before():
    this, before = migration_and_parent("phone_repairs")
    return Network(migrate_to(before)), this


def _people(network):
    baku = network.centre("Baku", "AZ", "Asia/Baku")
    kramatorsk = network.centre("Kramatorsk", "UA", "Europe/Kyiv")
    kharkiv = network.centre("Kharkiv", "UA", "Europe/Kyiv", phone_countries=["UA", "AZ"])
    kokand = network.centre("Kokand", "UZ", "Asia/Tashkent")
    account = network.member("+994771234567", kramatorsk)
    return {
        "olena": network.participant("+994507778899", kramatorsk),
        "dilnoza": network.participant("+994997654321", kokand),
        "aysel": network.participant("+994501112233", baku),
        "nobody": network.participant("+994501112244"),
        "commuter": network.participant("+994551234567", baku, kramatorsk),
        "visitor": network.participant("+994701234567", kharkiv),
        "landline": network.participant("+994401234567", kramatorsk),
        "taken": network.participant("+994501234567", kramatorsk),
        "holder": network.participant("+380501234567", kramatorsk),
        # One number stored for two people who are not linked: both would become one.
        "twin_participant": network.participant("+994991112233", kramatorsk),
        "twin_member": network.member("+994991112233", kramatorsk),
        # A member and their own participant row: one person, repaired together.
        "account": account,
        "account_participant": network.participant("+994771234567", kramatorsk, member=account),
    }


def _phones(apps, people):
    phones = {}
    for key, row in people.items():
        model = apps.get_model("cowork", type(row).__name__)
        phones[key] = model.objects.get(pk=row.pk).phone
    return phones


# First of the two: it ends before the repair, where the next one starts, which takes the
# schema on to the latest migrations.
def test_going_back_puts_the_old_numbers_back(before):
    network, this = before
    people = _people(network)
    migrate_to(this)

    apps = migrate_to(migration_and_parent("phone_repairs")[1])

    assert _phones(apps, people)["olena"] == "+994507778899"
    assert _phones(apps, people)["account"] == "+994771234567"
    assert "phonerepair" not in {
        m._meta.model_name for m in apps.get_app_config("cowork").get_models()
    }


def test_numbers_read_as_azerbaijani_are_repaired_only_where_the_data_tells(before):
    network, this = before
    people = _people(network)

    apps = migrate_to(this)

    assert _phones(apps, people) == {
        "olena": "+380507778899",  # only Kramatorsk, which refuses Azerbaijani numbers
        "dilnoza": "+998997654321",  # only Kokand: no trunk 0 in Uzbekistan
        "aysel": "+994501112233",  # only Baku: right as it is
        "nobody": "+994501112244",  # no centre: nothing to tell
        "commuter": "+994551234567",  # Baku and Kramatorsk: may be right
        "visitor": "+994701234567",  # Kharkiv accepts Azerbaijani numbers
        "landline": "+994401234567",  # 040… is no Ukrainian mobile number
        "taken": "+994501234567",  # +380501234567 is the holder's
        "holder": "+380501234567",
        "twin_participant": "+994991112233",
        "twin_member": "+994991112233",
        "account": "+380771234567",
        "account_participant": "+380771234567",
    }
    PhoneRepair = apps.get_model("cowork", "PhoneRepair")
    reasons = {
        (row.kind, row.row_id): (row.outcome, row.reason) for row in PhoneRepair.objects.all()
    }
    expected = {
        "olena": ("repaired", "read_in_centre_country"),
        "dilnoza": ("repaired", "read_in_centre_country"),
        "commuter": ("listed", "several_countries"),
        "visitor": ("listed", "centre_accepts_az"),
        "landline": ("listed", "no_reading"),
        "taken": ("listed", "number_taken"),
        "twin_participant": ("listed", "would_merge"),
        "twin_member": ("listed", "would_merge"),
        "account": ("repaired", "read_in_centre_country"),
        "account_participant": ("repaired", "read_in_centre_country"),
    }
    kind = {"Participant": "participant", "Member": "member"}
    assert reasons == {
        (kind[type(people[key]).__name__], people[key].pk): value for key, value in expected.items()
    }

    migrate_to_latest()
    out = io.StringIO()
    call_command("phone_repairs_report", stdout=out)
    report = out.getvalue()
    assert f"participant #{people['olena'].pk} Person +994507778899: " in report
    assert "+994507778899 -> +380507778899" in report
    assert "+994401234567 left as it is  [no_reading]" in report
    assert "+380991112233 would also become the number of" in report
    assert report.endswith("4 repaired, 6 listed to check by hand.\n")
    listed = io.StringIO()
    call_command("phone_repairs_report", "--outcome", "listed", stdout=listed)
    assert "-> +380507778899" not in listed.getvalue()
    assert listed.getvalue().endswith("0 repaired, 6 listed to check by hand.\n")
