"""Recurring tasks of the domain, declared once here and applied by `apply_schedules`.

Each app may have a `schedules.py` with a `SCHEDULES` list; names are prefixed with the
app's name, which is how `apply_schedules` recognises and removes orphans.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    minutes: int
    doc: str


SCHEDULES = [
    ScheduleSpec(
        name="cowork.release_no_shows",
        func="cowork.tasks.release_no_shows_task",
        minutes=1,
        doc="Release bookings not checked in within the space's grace period.",
    ),
    ScheduleSpec(
        name="cowork.check_out_finished",
        func="cowork.tasks.check_out_finished_task",
        minutes=5,
        doc="Check out people whose booking ended or whose centre closed.",
    ),
    ScheduleSpec(
        name="cowork.purge_event_attempts",
        func="cowork.tasks.purge_event_attempts_task",
        minutes=60,
        doc="Forget anonymous registrations and check-ins no limit counts any more.",
    ),
    ScheduleSpec(
        name="cowork.expire_wait_offers",
        func="cowork.tasks.expire_wait_offers_task",
        minutes=1,
        doc="Pass waitlist offers nobody accepted in time to the next in line.",
    ),
    ScheduleSpec(
        name="cowork.relay_outbox",
        func="cowork.tasks.relay_outbox_task",
        minutes=1,
        doc="Deliver domain events left unpublished by an outage.",
    ),
    ScheduleSpec(
        name="cowork.purge_idempotency_keys",
        func="cowork.tasks.purge_idempotency_keys_task",
        minutes=60,
        doc="Delete the API's idempotency keys and their answers once past 24 hours.",
    ),
    ScheduleSpec(
        name="cowork.purge_phone_code_records",
        func="cowork.tasks.purge_phone_code_records_task",
        minutes=60,
        doc="Forget codes by SMS and the asks for them once no limit or code can use them.",
    ),
    ScheduleSpec(
        name="cowork.extend_yearly_closures",
        func="cowork.tasks.extend_yearly_closures_task",
        minutes=24 * 60,
        doc="Keep holidays that recur every year written five years ahead.",
    ),
    ScheduleSpec(
        name="cowork.record_donor_monthly_reports",
        func="cowork.tasks.record_donor_monthly_reports_task",
        minutes=60,
        doc="On the first of the month, ask for each donor's report of the month just ended.",
    ),
]
