"""Make django-q2's schedules match the `SCHEDULES` declared in each app's schedules.py.

Upserts by name and deletes schedules of our apps that are no longer declared. Run on every
deploy (and by `make run`); running it twice changes nothing.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

OUR_APPS = ("cowork", "realtime", "notifications")


def declared_schedules():
    declared = []
    for app in OUR_APPS:
        if not apps.is_installed(app):
            continue
        try:
            module = importlib.import_module(f"{app}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.schedules":
                raise
            continue
        declared += module.SCHEDULES
    return declared


class Command(BaseCommand):
    help = "Apply the recurring tasks declared in code to django-q2's schedule table."

    def handle(self, *args, **options):
        declared = declared_schedules()
        names = {spec.name for spec in declared}
        with transaction.atomic():
            for spec in declared:
                schedule, created = Schedule.objects.get_or_create(
                    name=spec.name,
                    defaults={
                        "func": spec.func,
                        "schedule_type": Schedule.MINUTES,
                        "minutes": spec.minutes,
                        "repeats": -1,
                        "next_run": timezone.now(),
                    },
                )
                if not created and (schedule.func, schedule.minutes) != (spec.func, spec.minutes):
                    schedule.func = spec.func
                    schedule.schedule_type = Schedule.MINUTES
                    schedule.minutes = spec.minutes
                    schedule.repeats = -1
                    schedule.save()
            orphans = Schedule.objects.filter(
                name__regex=r"^(" + "|".join(OUR_APPS) + r")\."
            ).exclude(name__in=names)
            removed = orphans.count()
            orphans.delete()
        self.stdout.write(f"Schedules: {len(declared)} declared, {removed} orphans removed.")
