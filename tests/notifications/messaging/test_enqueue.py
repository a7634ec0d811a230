"""Asking a task worker to send what is due, from the relay after a commit."""

import datetime

import pytest
from django.db import connection
from django_q.models import OrmQ

from cowork.services.booking import booking_create
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_asking_for_the_sms_to_go_out_keeps_the_requests_database_connection(desk, sms_member):
    connection.ensure_connection()
    held = connection.connection
    starts_at = factories.next_weekday(desk.space, weekday=2, at=datetime.time(10, 0))
    # The commit's relay makes the confirmation and queues a task to send it. A connection
    # handed back to the pool there would have to be waited for again, behind every
    # request waiting for one, to finish the relay and the request.
    booking_create(
        resource=desk,
        member=sms_member,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )
    assert OrmQ.objects.filter(payload__isnull=False).exists()
    assert connection.connection is held
