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
        name="notifications.send_due_donor_reports",
        func="notifications.tasks.send_due_donor_reports_task",
        minutes=5,
        doc="Send again the donors' monthly reports a mail server refused; settle dead sends.",
    ),
]
