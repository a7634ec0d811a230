import pytest
from django.core.management import call_command
from django_q.models import Schedule

from cowork.management.commands.apply_schedules import declared_schedules

pytestmark = pytest.mark.django_db


def test_schedules_declared_in_code_are_applied_once_and_orphans_removed():
    Schedule.objects.create(name="cowork.retired_job", func="cowork.tasks.gone", minutes=1)
    Schedule.objects.create(name="someone-elses-job", func="other.task", minutes=1)
    call_command("apply_schedules", stdout=None)
    call_command("apply_schedules", stdout=None)
    names = set(Schedule.objects.values_list("name", flat=True))
    assert names == {spec.name for spec in declared_schedules()} | {"someone-elses-job"}
    release = Schedule.objects.get(name="cowork.release_no_shows")
    assert (release.func, release.minutes, release.repeats) == (
        "cowork.tasks.release_no_shows_task",
        1,
        -1,
    )


def test_every_scheduled_function_exists():
    from django.utils.module_loading import import_string

    for spec in declared_schedules():
        assert callable(import_string(spec.func)), spec.name
