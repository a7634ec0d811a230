"""A registration's personal page (it carries the check-in) may be kept for reading offline."""

import pytest
from django.urls import reverse

from cowork.web.offline import KEEP_HEADER
from tests.cowork.web.events.conftest import key_of, register

pytestmark = pytest.mark.django_db


def test_a_registrations_page_is_always_a_personal_copy(client, event):
    key = key_of(register(client, event))
    client.cookies.clear()
    response = client.get(reverse("web:registration", args=[key]))
    assert response.status_code == 200
    assert response[KEEP_HEADER] == "personal"
    assert "no-store" in response["Cache-Control"]
    assert "data-offline-notice hidden" in response.content.decode()
