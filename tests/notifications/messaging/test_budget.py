"""The monthly budget, in money: spent, it stops reminders, never confirmations, and the
hosts hear of it once a month."""

from decimal import Decimal

import pytest

from notifications.messaging.dispatch import dispatch_due
from notifications.models import Notification, SmsBudgetAlert
from tests import factories
from tests.notifications.messaging.sending import book, plain_mail, remind

Kind = Notification.Kind


pytestmark = pytest.mark.usefixtures("locmem_mail")


def test_a_spent_budget_stops_reminders_not_confirmations_and_tells_the_hosts_once(
    desk, sms_member, relay_now, locmem_sms
):
    host = factories.HostFactory(space=desk.space).user
    desk.space.sms_monthly_budget_usd = Decimal("0.10")  # less than one segment costs
    desk.space.save()
    booking = book(desk, sms_member)
    relay_now()
    dispatch_due()  # the confirmation spends this month's budget

    remind(booking, sms_member, "early-1")
    remind(booking, sms_member, "early-2")
    assert dispatch_due().cancelled == 2 and len(locmem_sms) == 1
    assert set(
        Notification.objects.filter(key__startswith="early").values_list("error_code", flat=True)
    ) == {"budget"}
    assert SmsBudgetAlert.objects.count() == 1
    assert [m.to for m in plain_mail()] == [[host.email]]
    book(desk, sms_member, hour=14)
    relay_now()
    dispatch_due()
    assert len(locmem_sms) == 2  # confirmations are essential
    remind(booking, sms_member, "early-3")
    dispatch_due()
    assert len(plain_mail()) == 1  # the hosts were told once this month
