import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cowork.models import (
    Attendance,
    Booking,
    BookingStatus,
    Event,
    Member,
    Participant,
    Registration,
    Resource,
    Space,
    SpaceRole,
    WalkIn,
)
from cowork.models.people import disability_status
from cowork.selectors.access import spaces_managed_by
from tests.cowork.selectors.reports.network import kept_for_the_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def full_demo_of_the_module(django_db_setup, django_db_blocker):
    """The full demo, with its history, seeded once for the tests of this module that only
    read it or seed it again (seeding takes seconds); rolled back when the module ends. They
    run after the module's others (SHARED_BY_MODULE in tests/conftest.py), which start from
    an empty database."""
    with kept_for_the_module(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        yield


def _census():
    return {
        model.__name__: model.objects.count()
        for model in (
            Space,
            Resource,
            Member,
            SpaceRole,
            Event,
            Booking,
            Registration,
            Attendance,
            Participant,
        )
    }


@pytest.mark.usefixtures("full_demo_of_the_module")
class TestTheSeededDemo:
    """What the full demo holds: seeded once for these tests, which only read it."""

    def test_demo_network_has_the_real_centres(self):
        by_country = {
            country: set(Space.objects.filter(country=country).values_list("city", flat=True))
            for country in ("AZ", "UA", "UZ")
        }
        assert len(by_country["AZ"]) == 19
        assert by_country["UA"] == {"Kramatorsk", "Sievierodonetsk"}
        assert by_country["UZ"] == {"Urgench", "Navoi", "Tashkent", "Ferghana", "Kokand"}
        assert set(Space.objects.filter(country="AZ").values_list("time_zone", flat=True)) == {
            "Asia/Baku"
        }
        kramatorsk = Space.objects.get(city="Kramatorsk")
        desks = kramatorsk.resources.filter(kind=Resource.Kind.DESK)
        assert desks.count() == 30
        assert not desks.filter(plan_x__isnull=True).exists()
        kinds = set(
            kramatorsk.resources.filter(kind=Resource.Kind.EQUIPMENT).values_list(
                "equipment_type", flat=True
            )
        )
        assert {"laptop", "graphics_tablet", "interactive_whiteboard", "projector"} <= kinds

    def test_demo_network_has_an_upcoming_round_table_in_a_room_that_fits_it(self):
        event = Event.objects.get(starts_at__gt=timezone.now())
        assert event.kind == Event.Kind.ROUND_TABLE
        assert event.starts_at > timezone.now()
        event.full_clean()

    def test_demo_hosts_are_scoped_to_their_own_centres(self):
        host = SpaceRole.objects.get(user__username="host").user
        assert {space.city for space in spaces_managed_by(user=host)} == {
            "Kramatorsk",
            "Sievierodonetsk",
        }
        ganja_host = SpaceRole.objects.get(user__username="host.ganja").user
        assert [space.city for space in spaces_managed_by(user=ganja_host)] == ["Ganja"]

    def test_every_demo_row_passes_model_validation(self):
        for model in (Space, Resource, Member):
            for row in model.objects.all():
                row.full_clean()

    def test_the_demo_carries_three_months_of_visits_and_events(self):
        """The live views, reports and charts have something to show on first run."""
        now = timezone.now()
        past = Booking.objects.filter(ends_at__lte=now)
        first = past.order_by("starts_at").first().starts_at
        assert (now - first).days >= 85
        checked_in = past.filter(status=BookingStatus.COMPLETED, checked_in_at__isnull=False)
        assert checked_in.count() > 1000
        assert past.filter(status=BookingStatus.RELEASED).count() > 100  # no-shows
        held = Event.objects.filter(ends_at__lte=now)
        assert held.filter(kind=Event.Kind.ROUND_TABLE).count() >= 10
        assert held.filter(kind=Event.Kind.TRAINING).count() >= 10
        assert Attendance.objects.filter(session__event__in=held).count() > held.count() * 5
        consented = Participant.objects.filter(demographics_consent_at__isnull=False)
        assert consented.count() > Participant.objects.count() // 2
        statuses = {
            disability_status(
                wg_answers=[
                    person.wg_seeing,
                    person.wg_hearing,
                    person.wg_walking,
                    person.wg_remembering,
                    person.wg_self_care,
                    person.wg_communicating,
                ]
            )
            for person in consented
        }
        assert statuses == {"with", "without"}
        # Nothing of it holds a resource now or later: the live views start empty.
        assert not Booking.objects.filter(purpose="Demo history", ends_at__gt=now).exists()
        # Most visits are walk-ins, as at the real centres; a few signed in with their phone.
        walk_ins = WalkIn.objects.filter(visited_at__lt=now)
        assert walk_ins.count() > past.filter(checked_in_at__isnull=False).count()
        assert walk_ins.filter(member__isnull=False, returning=True).exclude(phone_key="").exists()
        assert walk_ins.exclude(gender="").exists() and walk_ins.filter(gender="").exists()


@pytest.mark.usefixtures("full_demo_of_the_module")
def test_seeding_twice_changes_nothing_and_shows_progress():
    """Seeded once already: the module's full demo."""
    before = _census()
    err = io.StringIO()
    call_command("seed_demo", stderr=err, stdout=io.StringIO())
    assert _census() == before
    assert "26/26" in err.getvalue()


def test_only_loads_the_named_centres_with_every_demo_person_and_their_roles_there():
    call_command("seed_demo", only=["kramatorsk-it"], verbosity=0, stdout=io.StringIO())
    assert list(Space.objects.values_list("slug", flat=True)) == ["kramatorsk-it"]
    assert Space.objects.get().resources.filter(kind=Resource.Kind.DESK).count() == 30
    people = Member.objects.exclude(user__username__startswith="visitor.")
    assert set(people.values_list("user__username", flat=True)) == {
        "admin",
        "host",
        "host.ganja",
        "member",
    }
    assert list(SpaceRole.objects.values_list("user__username", "space__slug")) == [
        ("host", "kramatorsk-it")
    ]
    assert not Event.objects.filter(starts_at__gt=timezone.now()).exists()  # Ganja's


def test_only_with_ganja_brings_its_round_table():
    call_command("seed_demo", "--only", "ganja-information", verbosity=0, stdout=io.StringIO())
    upcoming = Event.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.get().space.slug == "ganja-information"


def test_only_with_an_unknown_centre_names_the_known_ones_and_loads_nothing():
    with pytest.raises(CommandError, match=r"No demo centre atlantis-it; the slugs are: .*ganja"):
        call_command("seed_demo", only=["ganja-information", "atlantis-it"], verbosity=0)
    assert _census() == dict.fromkeys(_census(), 0)


def test_seeding_again_puts_back_the_demo_values_of_rows_changed_since():
    call_command("seed_demo", only=["kramatorsk-it"], verbosity=0, stdout=io.StringIO())
    space = Space.objects.get()
    desk = space.resources.get(name="Desk 01")
    desk.plan_x, desk.attributes = 500, []
    desk.save()
    monday = space.opening_hours.get(weekday=0)
    monday.opens = datetime.time(11)
    monday.save()
    call_command("seed_demo", only=["kramatorsk-it"], verbosity=0, stdout=io.StringIO())
    desk.refresh_from_db()
    monday.refresh_from_db()
    assert (desk.plan_x, desk.attributes) == (20, ["power"])
    assert monday.opens == datetime.time(9)


def test_demo_history_rows_pass_model_validation():
    call_command("seed_demo", only=["kokand-coworking"], verbosity=0, stdout=io.StringIO())
    for model in (Member, Participant, Event, WalkIn):
        for row in model.objects.all()[:60]:
            row.full_clean()
