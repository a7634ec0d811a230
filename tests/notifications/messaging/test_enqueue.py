"""Asking a task worker to send what is due, from the relay after a commit."""

import pytest
from django.db import connection
from django_q.models import OrmQ

from tests.notifications.messaging.sending import book

pytestmark = pytest.mark.django_db(transaction=True)


def test_asking_for_the_sms_to_go_out_keeps_the_requests_database_connection(desk, sms_member):
    connection.ensure_connection()
    held = connection.connection
    # The commit's relay makes the confirmation and queues a task to send it. A connection
    # handed back to the pool there would have to be waited for again, behind every
    # request waiting for one, to finish the relay and the request.
    book(desk, sms_member)
    assert OrmQ.objects.filter(payload__isnull=False).exists()
    assert connection.connection is held
