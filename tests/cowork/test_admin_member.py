"""A member's reminder times in the admin: boxes to tick, never the text "null"."""

import pytest
from django.urls import reverse

from tests.cowork.admin_forms import change_page_data
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _reminder_boxes(page) -> str:
    form = page.context["adminform"].form
    return str(form["reminder_minutes"])


def test_a_member_on_the_centres_times_shows_unticked_boxes_not_null(admin_client):
    member = MemberFactory(reminder_minutes=None)
    page = admin_client.get(reverse("admin:cowork_member_change", args=[member.pk]))
    assert page.status_code == 200
    boxes = _reminder_boxes(page)
    assert 'type="checkbox"' in boxes and "checked" not in boxes
    assert "1 day before" in boxes and "30 minutes before" in boxes
    assert "null" not in page.content.decode()


def test_ticked_times_are_saved_latest_first_and_none_ticked_is_the_centres(admin_client):
    member = MemberFactory(reminder_minutes=None)
    url = reverse("admin:cowork_member_change", args=[member.pk])
    data = change_page_data(admin_client.get(url)) | {"reminder_minutes": ["30", "1440"]}
    assert admin_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.reminder_minutes == [1440, 30]

    page = admin_client.get(url)
    assert _reminder_boxes(page).count("checked") == 2
    data = change_page_data(page)
    data.pop("reminder_minutes")
    assert admin_client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.reminder_minutes is None


def test_a_time_not_on_the_list_is_refused(admin_client):
    member = MemberFactory(reminder_minutes=[60])
    url = reverse("admin:cowork_member_change", args=[member.pk])
    data = change_page_data(admin_client.get(url)) | {"reminder_minutes": ["7"]}
    assert admin_client.post(url, data).status_code == 200
    member.refresh_from_db()
    assert member.reminder_minutes == [60]


def test_the_users_page_shows_the_same_boxes_in_its_member_part(admin_client):
    member = MemberFactory(reminder_minutes=[180])
    page = admin_client.get(reverse("admin:auth_user_change", args=[member.user.pk]))
    assert page.status_code == 200
    (inline,) = page.context["inline_admin_formsets"]
    boxes = str(inline.formset.forms[0]["reminder_minutes"])
    assert boxes.count("checked") == 1 and 'value="180"' in boxes
    assert "null" not in page.content.decode()
