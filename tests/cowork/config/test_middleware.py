"""Our middleware at the front door: bodies too large to read."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_form_over_the_upload_limit_is_a_plain_413_page_without_an_error(
    client, settings, caplog
):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    form = {"username": "leyla", "password": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    response = client.post(reverse("login"), form, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Запрос слишком велик."
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_form_within_the_limit_is_read_as_before(client):
    response = client.post(reverse("login"), {"username": "leyla", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
