"""django-q2 tasks of the domain: thin shims that call one service and return its count."""

from cowork import outbox
from cowork.services.accounts.codes import phone_code_records_purge
from cowork.services.booking import check_out_finished, release_no_shows
from cowork.services.centres.closures import yearly_closures_extend
from cowork.services.donor_reports import donor_monthly_reports_record
from cowork.services.event_limits import event_attempts_purge
from cowork.services.idempotency import idempotency_keys_purge
from cowork.services.waits import resource_wait_offers_expire


def release_no_shows_task() -> int:
    return release_no_shows()


def check_out_finished_task() -> int:
    return check_out_finished()


def expire_wait_offers_task() -> int:
    return resource_wait_offers_expire()


def purge_event_attempts_task() -> int:
    return event_attempts_purge()


def relay_outbox_task() -> int:
    """Sweep events a relay after commit could not deliver (a Redis outage, a crash)."""
    return outbox.relay_pending()


def purge_idempotency_keys_task() -> int:
    return idempotency_keys_purge()


def purge_phone_code_records_task() -> int:
    return phone_code_records_purge()


def extend_yearly_closures_task() -> int:
    return yearly_closures_extend()


def record_donor_monthly_reports_task() -> int:
    return donor_monthly_reports_record()
