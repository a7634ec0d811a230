"""A centre's hours, closures, prices and roles on its admin page: for the network admin
at any centre, for hosts at their own, and never a way to reach another centre."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from cowork.models import Closure, OpeningHours, ServicePrice, SpaceRole
from tests.cowork.admin_forms import change_page_data, url_name
from tests.cowork.conftest import demo_copied_for_each_test
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The demo network (26 centres), seeded once for the module's tests that ask for it;
# each gets a copy, and what it writes is rolled back after it.
demo = pytest.fixture(demo_copied_for_each_test, name="demo")

INLINES = {OpeningHours, Closure, ServicePrice, SpaceRole}


def _space_page(client, space):
    page = client.get(reverse("admin:cowork_space_change", args=[space.pk]))
    assert page.status_code == 200
    return page


def _with_new_row(page, model, **fields) -> dict:
    """The page posted back with one new row in `model`'s inline."""
    data = change_page_data(page)
    (formset,) = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is model
    ]
    row = formset.total_form_count()
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(row + 1)
    data.update({f"{formset.prefix}-{row}-{name}": value for name, value in fields.items()})
    return data


def _closed_weekday(space) -> int:
    return min(set(range(7)) - set(space.opening_hours.values_list("weekday", flat=True)))


@pytest.mark.parametrize("who", ["admin", "host"])
def test_centres_rows_are_edited_on_its_page(client, demo, who):
    client.force_login(getattr(demo, who))
    space = demo.kramatorsk
    page = _space_page(client, space)
    shown = {inline.formset.model: inline for inline in page.context["inline_admin_formsets"]}
    assert set(shown) == INLINES
    assert all(inline.has_add_permission for inline in shown.values())
    weekday = _closed_weekday(space)
    data = _with_new_row(page, OpeningHours, weekday=str(weekday), opens="10:00", closes="14:00")
    response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302, response.context["errors"]
    assert space.opening_hours.filter(weekday=weekday, opens=datetime.time(10)).exists()
    page = _space_page(client, space)
    data = _with_new_row(
        page, Closure, starts_on="2027-09-01", ends_on="2027-09-01", reason="Knowledge Day"
    )
    assert client.post(page.request["PATH_INFO"], data).status_code == 302
    assert space.closures.filter(reason="Knowledge Day").exists()


def test_host_cannot_give_a_role_at_their_centre_to_someone_of_another(client, demo):
    client.force_login(demo.host)
    page = _space_page(client, demo.kramatorsk)
    data = _with_new_row(page, SpaceRole, user=str(demo.ganja_host.pk), role="staff")
    response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert not SpaceRole.objects.filter(user=demo.ganja_host, space=demo.kramatorsk).exists()
    # Nor a role at another centre to someone of theirs.
    form = client.get(reverse("admin:cowork_spacerole_add")).context["adminform"].form
    assert demo.ganja not in form.fields["space"].queryset
    assert demo.kramatorsk in form.fields["space"].queryset


def test_host_page_of_another_centre_gives_nothing_away(client, demo):
    client.force_login(demo.host)
    page = client.get(reverse("admin:cowork_space_change", args=[demo.ganja.pk]), follow=True)
    assert demo.ganja.name not in page.content.decode()
    hours = demo.ganja.opening_hours.count()
    data = {"opening_hours-TOTAL_FORMS": "1", "opening_hours-INITIAL_FORMS": "0"}
    data |= {"opening_hours-0-weekday": "6", "opening_hours-0-opens": "08:00"}
    client.post(reverse("admin:cowork_space_change", args=[demo.ganja.pk]), data)
    assert demo.ganja.opening_hours.count() == hours


def test_staff_of_a_centre_change_nothing_in_the_admin(client, demo):
    staff = UserFactory(username="staff.kramatorsk", is_staff=True)
    SpaceRole.objects.create(user=staff, space=demo.kramatorsk, role=SpaceRole.Role.STAFF)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        assert client.get(reverse(url_name(model, "add"))).status_code == 403, model
        assert client.get(reverse(url_name(model, "changelist"))).status_code == 403, model
    url = reverse("admin:cowork_space_change", args=[demo.kramatorsk.pk])
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    demo.kramatorsk.refresh_from_db()
    assert demo.kramatorsk.name != "Renamed"
