"""Recurring tasks of notifications, applied by `manage.py apply_schedules`."""

from cowork.schedules import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        name="notifications.send_due_sms",
        func="notifications.tasks.send_due_sms_task",
        minutes=1,
        doc="Send reminders and retries that are due; settle sends a dead worker left.",
    ),
]
