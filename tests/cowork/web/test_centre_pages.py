import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from cowork.models import Space
from tests.factories import ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_network():
    call_command("seed_demo", no_history=True, verbosity=0)


def test_home_lists_the_26_demo_centres_by_country(client, demo_network):
    page = client.get(reverse("home"))
    assert page.status_code == 200
    counts = {group.country: len(group.spaces) for group in page.context["groups"]}
    assert counts == {"AZ": 19, "UA": 2, "UZ": 5}
    html = page.content.decode()
    for city in ("Shirvan", "Kramatorsk", "Sievierodonetsk", "Urgench", "Kokand", "Shemkir"):
        assert city in html


def test_home_says_which_centres_are_open_in_words_not_only_colour(client, monkeypatch):
    SpaceFactory(city="Ganja", name="Ganja centre")
    # Monday 10:00 in Baku.
    monday_morning = datetime.datetime(2027, 3, 1, 6, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday_morning)
    html = client.get(reverse("home")).content.decode()
    assert "Open now" in html
    assert "10:00" in html


def test_centre_page_draws_the_floor_plan(client):
    space = SpaceFactory()
    ResourceFactory(space=space, name="Desk 01", plan_x=20, plan_y=40)
    ResourceFactory(space=space, name="Desk 02")  # not placed: listed, not drawn
    page = client.get(reverse("space-detail", args=[space.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg class="floor-plan"' in html
    assert html.count('class="plan-item plan-desk"') == 1


def test_inactive_or_unknown_centre_is_not_found(client):
    space = SpaceFactory(is_active=False)
    assert client.get(reverse("space-detail", args=[space.slug])).status_code == 404
    assert client.get(reverse("space-detail", args=["nowhere"])).status_code == 404


def test_language_switch_renders_the_shell_in_russian(client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    with translation.override("ru"):
        sign_in = translation.gettext("Sign in")
    assert sign_in != "Sign in"
    assert '<html lang="ru">' in page.content.decode()
    assert sign_in in page.content.decode()


def test_member_signs_in_and_out(client, member_user):
    page = client.post(
        reverse("login"),
        {"username": member_user.username, "password": "correct horse battery staple"},
        follow=True,
    )
    assert page.context["user"].is_authenticated
    assert "Signed in as" in page.content.decode()
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_wrong_password_keeps_the_visitor_signed_out_with_a_message(client, member_user):
    page = client.post(reverse("login"), {"username": member_user.username, "password": "nope"})
    assert page.status_code == 200
    assert not page.context["user"].is_authenticated
    assert page.context["form"].errors


def test_home_takes_four_queries_whatever_the_number_of_centres_or_the_search(
    client, demo_network, django_assert_max_num_queries
):
    assert Space.objects.count() == 26
    with django_assert_max_num_queries(4):
        client.get(reverse("home"), {"q": "centre", "country": "AZ", "city": "Ganja"})
    with django_assert_max_num_queries(4):
        client.get(reverse("home"))
