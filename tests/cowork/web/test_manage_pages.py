"""The management pages without a browser: a network admin opens a centre and sets it up,
form by form, and a refusal comes back on the form with nothing changed."""

import datetime

import pytest
from django.urls import reverse

from cowork.models import Booking, BookingStatus, Closure, Organization, Resource, Space
from cowork.services.booking import booking_create
from tests.factories import HostFactory, MemberFactory, SpaceFactory, next_weekday

pytestmark = pytest.mark.django_db


def _new_centre(client) -> Space:
    ngo = Organization.objects.create(name="Samarkand NGO", slug="samarkand-ngo", country="UZ")
    response = client.post(
        reverse("web:manage-centre-new"),
        {
            "organization": ngo.pk,
            "name": "Samarkand NGO Co-working",
            "city": "Samarkand",
            "country": "UZ",
            "time_zone": "Asia/Samarkand",
            "safety_capacity": "40",
            "currency": "UZS",
            "spoken": ["uz", "ru"],
            "message_language": "uz",
        },
    )
    space = Space.objects.get(name="Samarkand NGO Co-working")
    assert response.status_code == 302
    assert response.url == reverse("web:manage-hours", args=[space.slug])
    return space


def _saved(client, space, page: str, **form) -> None:
    """Posts `form` to the centre's management page `page`, which saves it and redirects."""
    response = client.post(reverse(f"web:manage-{page}", args=[space.slug]), form)
    assert response.status_code == 302, response.context and response.context["form"].errors


def _centre_details(space, **texts) -> dict:
    """The centre form of the Samarkand centre `_new_centre` opened, as saved, with `texts`."""
    return {
        "name": space.name,
        "city": "Samarkand",
        "currency": "UZS",
        "spoken": ["uz", "ru"],
        "message_language": "uz",
        **texts,
    }


def test_a_network_admin_opens_a_centre_and_gives_it_hours_closures_and_desks(admin_client):
    space = _new_centre(admin_client)
    assert (space.slug, space.languages) == ("samarkand-ngo-co-working", ["uz", "ru"])
    hours = {f"d{day}_0_opens": "09:00" for day in range(6)}
    hours.update({f"d{day}_0_closes": "18:00" for day in range(6)})
    assert (
        admin_client.post(reverse("web:manage-hours", args=[space.slug]), hours).status_code == 302
    )
    assert space.opening_hours.count() == 6
    _saved(admin_client, space, "closures", form="closure", starts_on="2031-09-01",
           reason="Independence Day", yearly="on")  # fmt: skip
    assert Closure.objects.filter(space=space, starts_on=datetime.date(2031, 9, 1)).exists()
    _saved(admin_client, space, "resources", form="desks", count="10", prefix="Desk",
           prefix_uz="Stol", prefix_ru="Стол")  # fmt: skip
    assert space.resources.filter(kind="desk", plan_x__isnull=False).count() == 10
    # Named at once in the centre's languages, with the same numbers.
    first = space.resources.get(name="Desk 01")
    assert (first.text_in("name", "uz"), first.text_in("name", "ru")) == ("Stol 01", "Стол 01")
    assert first.text_in("name", "uk") == "Desk 01"
    page = admin_client.get(reverse("web:manage-plan", args=[space.slug])).content.decode()
    assert page.count('data-resource="') == 10


def test_public_holidays_of_the_country_are_offered_to_tick(admin_client):
    space = SpaceFactory(country="UZ", time_zone="Asia/Tashkent")
    page = admin_client.get(reverse("web:manage-closures", args=[space.slug]))
    offered = page.context["holidays_form"].offered
    assert any(day.month == 9 and day.day == 1 for day, _name in offered.values())
    key = next(key for key, (day, _name) in offered.items() if (day.month, day.day) == (9, 1))
    admin_client.post(
        reverse("web:manage-closures", args=[space.slug]), {"form": "holidays", "days": [key]}
    )
    closure = space.closures.get(starts_on=datetime.date.fromisoformat(key))
    # Each day is labelled as its reader says dates, with the weekday.
    labels = dict(page.context["holidays_form"].fields["days"].choices)
    day = datetime.date.fromisoformat(key)
    assert labels[key].startswith(f"{day:%a}, {day:%b} {day.day}, {day.year} — ")
    # Named in each language the holidays library knows, read in the reader's own.
    assert closure.translations["uz"]["reason"] == "Mustaqillik kuni"
    assert closure.text_in("reason", "uk") == "День незалежності"
    # Russian, which the library lacks for Uzbekistan, from our own catalogue.
    assert closure.text_in("reason", "ru") == "День независимости"


def test_public_holidays_are_labelled_in_the_readers_language(admin_client):
    space = SpaceFactory(country="UZ", time_zone="Asia/Tashkent")
    admin_client.cookies["django_language"] = "ru"
    page = admin_client.get(reverse("web:manage-closures", args=[space.slug]))
    labels = dict(page.context["holidays_form"].fields["days"].choices)
    key = next(key for key in labels if key.endswith("-09-01"))
    year = key[:4]
    assert labels[key].split(" — ")[0].endswith(f"1 сент. {year}\u202fг.")
    assert labels[key].endswith("День независимости")
    assert key not in page.content.decode().replace(f'value="{key}"', "")


def _booked_tuesday() -> Booking:
    """An hour of Desk 01 booked on the next Tuesday of a new centre."""
    space = SpaceFactory()
    desk = Resource.objects.create(space=space, kind="desk", name="Desk 01")
    start = next_weekday(space, weekday=1)
    return booking_create(
        resource=desk,
        member=MemberFactory().user,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def test_a_closure_on_a_booked_day_lists_the_booking_and_cancels_it_on_confirmation(admin_client):
    booking = _booked_tuesday()
    space = booking.space
    day = booking.starts_at.astimezone(space.zone).date()
    url = reverse("web:manage-closures", args=[space.slug])
    form = {"form": "closure", "starts_on": day.isoformat(), "reason": "Repairs"}
    listed = admin_client.post(url, form)
    assert listed.status_code == 422
    assert "Desk 01" in listed.content.decode()
    assert not space.closures.exists()
    assert admin_client.post(url, {**form, "cancel_bookings": "1"}).status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_hours_that_close_a_booked_day_list_the_booking_and_cancel_it_on_confirmation(
    admin_client,
):
    booking = _booked_tuesday()
    space = booking.space
    url = reverse("web:manage-hours", args=[space.slug])
    open_days = [0, 2, 3, 4]  # not Tuesday, the booked day
    hours = {f"d{day}_0_opens": "09:00" for day in open_days}
    hours.update({f"d{day}_0_closes": "18:00" for day in open_days})
    listed = admin_client.post(url, hours)
    assert listed.status_code == 422
    assert "Desk 01" in listed.content.decode()
    assert space.opening_hours.filter(weekday=1).exists()
    done = admin_client.post(url, {**hours, "cancel_bookings": "1"}, follow=True)
    assert done.redirect_chain == [(url, 302)]
    assert "1 booking was cancelled; its holder is told." in done.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert not space.opening_hours.filter(weekday=1).exists()


def test_people_are_added_by_phone_or_username_only_if_they_have_an_account(admin_client):
    space = SpaceFactory()
    person = MemberFactory(phone="+998901112233").user
    url = reverse("web:manage-people", args=[space.slug])
    assert admin_client.post(url, {"who": "+998 90 111 22 33", "role": "host"}).status_code == 302
    assert space.roles.get(user=person).role == "host"
    unknown = admin_client.post(url, {"who": "nobody.here", "role": "staff"})
    assert unknown.status_code == 400
    assert space.roles.count() == 1


def test_a_centre_and_its_room_are_named_in_uzbek_and_russian_and_read_so(admin_client, client):
    space = _new_centre(admin_client)
    _saved(admin_client, space, "resources", form="resource", kind="room", name="Meeting room",
           name_uz="Uchrashuv xonasi", name_ru="Переговорная", capacity="12",
           needs_approval="on", price_per_hour="0")  # fmt: skip
    room = space.resources.get(name="Meeting room")
    assert room.translations == {"uz": {"name": "Uchrashuv xonasi"}, "ru": {"name": "Переговорная"}}
    details = _centre_details(
        space, name_uz="Samarqand NNT kovorkingi", name_ru="Коворкинг НКО, Самарканд"
    )
    _saved(admin_client, space, "centre", **details)
    space.refresh_from_db()
    assert space.name_in("ru") == "Коворкинг НКО, Самарканд" and space.name_in("en") == space.name

    # Cleared, a translation goes: the page falls back to the name as typed.
    admin_client.post(reverse("web:manage-centre", args=[space.slug]), {**details, "name_ru": ""})
    space.refresh_from_db()
    assert "ru" not in space.translations and space.translations["uz"]["name"]


def test_the_centres_texts_are_written_in_other_languages_and_read_in_the_visitors(
    admin_client, client
):
    space = _new_centre(admin_client)
    details = _centre_details(
        space,
        description="Desks and rooms for NGOs.",
        directions="Bus 12 to Registan, the blue door.",
        description_ru="Столы и залы для НКО.",
        directions_ru="Автобус 12 до Регистана, синяя дверь.",
        description_uz="NNTlar uchun stollar va xonalar.",
    )
    form = admin_client.get(reverse("web:manage-centre", args=[space.slug])).content.decode()
    assert "Description in Русский" in form and "How to get there in Русский" in form
    _saved(admin_client, space, "centre", **details)
    space.refresh_from_db()
    assert space.translations == {
        "ru": {
            "description": "Столы и залы для НКО.",
            "directions": "Автобус 12 до Регистана, синяя дверь.",
        },
        "uz": {"description": "NNTlar uchun stollar va xonalar."},
    }
    page_url = reverse("space-detail", args=[space.slug])
    client.cookies["django_language"] = "ru"
    russian = client.get(page_url).content.decode()
    assert "Столы и залы для НКО." in russian and "синяя дверь" in russian
    assert "Desks and rooms for NGOs." not in russian
    # Uzbek has a description but no directions: those fall back to the original.
    client.cookies["django_language"] = "uz"
    uzbek = client.get(page_url).content.decode()
    assert "NNTlar uchun stollar va xonalar." in uzbek and "the blue door" in uzbek
    client.cookies["django_language"] = "az"
    azerbaijani = client.get(page_url).content.decode()
    assert "Desks and rooms for NGOs." in azerbaijani and "the blue door" in azerbaijani


def test_a_text_too_long_for_a_translation_is_refused_and_nothing_changes(admin_client):
    space = _new_centre(admin_client)
    details = _centre_details(space, spoken=["uz"], directions_ru="х" * 2001)
    refused = admin_client.post(reverse("web:manage-centre", args=[space.slug]), details)
    assert refused.status_code == 400
    assert "directions_ru" in refused.context["form"].errors
    space.refresh_from_db()
    assert space.translations == {} and space.languages == ["uz", "ru"]


def test_the_new_centre_page_leads_to_adding_a_partner_ngo_that_is_not_listed(admin_client):
    page = admin_client.get(reverse("web:manage-centre-new")).content.decode()
    add = reverse("admin:cowork_organization_add")
    assert f'<a href="{add}">Add it</a>' in page
    assert admin_client.get(add).status_code == 200


def test_the_people_page_says_how_someone_without_an_account_gets_one(admin_client, client):
    space = SpaceFactory()
    url = reverse("web:manage-people", args=[space.slug])
    page = admin_client.get(url).content.decode()
    assert "gets one link by SMS" in page
    assert f'<a href="{reverse("admin:auth_user_add")}">create an account</a>' in page
    # A host cannot create accounts in the admin, so is not offered to.
    client.force_login(HostFactory(space=space).user)
    host_page = client.get(url).content.decode()
    assert "gets one link by SMS" in host_page and reverse("admin:auth_user_add") not in host_page
