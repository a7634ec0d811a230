"""Recurring tasks of notifications, applied by `manage.py apply_schedules`."""

from cowork.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        name="notifications.send_due_sms",
        func="notifications.tasks.send_due_sms_task",
        minutes=1,
        doc="Send reminders and retries that are due; settle sends a dead worker left.",
    ),
    ScheduleSpec(
        name="notifications.purge_sign_in_records",
        func="notifications.tasks.purge_sign_in_records_task",
        minutes=60,
        doc="Forget sign-in codes and requests no limit or sign-in can use any more.",
    ),
]
