import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cowork.models import Closure, OpeningHours, Space
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def test_unknown_time_zone_is_refused():
    space = SpaceFactory.build(time_zone="Asia/Atlantis")
    space.organization.save()
    space.organization_id = space.organization.pk
    with pytest.raises(ValidationError) as excinfo:
        space.full_clean()
    assert "time_zone" in excinfo.value.message_dict


def test_unsupported_language_is_refused(space):
    space.languages = ["az", "fr"]
    with pytest.raises(ValidationError) as excinfo:
        space.full_clean()
    assert "fr" in excinfo.value.message_dict["languages"][0]


def test_unknown_accessibility_feature_is_refused(space):
    space.accessibility = ["step_free_entrance", "teleporter"]
    with pytest.raises(ValidationError) as excinfo:
        space.full_clean()
    assert "teleporter" in excinfo.value.message_dict["accessibility"][0]


def test_contact_phone_is_normalised_to_e164_on_clean(space):
    space.contact_phone = "+994 50 200 00 07"
    space.full_clean()
    assert space.contact_phone == "+994502000007"


def test_opening_hours_that_close_before_they_open_are_refused_by_the_database(space):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(
            space=space, weekday=5, opens=datetime.time(18), closes=datetime.time(9)
        )


def test_closure_ending_before_it_starts_is_refused(space):
    closure = Closure(
        space=space,
        starts_on=datetime.date(2027, 3, 24),
        ends_on=datetime.date(2027, 3, 20),
        reason="Novruz",
    )
    with pytest.raises(ValidationError):
        closure.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        closure.save()


@pytest.mark.parametrize("clock", [datetime.time(8, 0), datetime.time(21, 0, 5)])
def test_model_checks_pass_when_the_clock_is_at_a_quiet_hours_edge(monkeypatch, clock):
    # A fixed time default drew Django's "fixed default value" warning (fields.W161) within
    # ten seconds of 08:00 and 21:00, and with it `check --deploy --fail-level WARNING`.
    at = datetime.datetime.combine(datetime.date(2027, 3, 1), clock, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
    assert [message.id for message in Space.check()] == []


def test_a_new_centre_is_quiet_from_nine_in_the_evening_until_eight():
    space = Space()
    assert (space.sms_quiet_from, space.sms_quiet_until) == (
        datetime.time(21, 0),
        datetime.time(8, 0),
    )
