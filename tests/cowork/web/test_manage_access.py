"""Who may open and change a centre's management pages: roles × every page, GET and POST.

The demo network: the Kramatorsk host manages the centres of Donbas IT Solutions and
nothing else; the Ganja host only Ganja's NGO's centre; a centre the network admin opens
for a new NGO belongs to neither. Someone refused gets 403 and changes nothing: not one
domain event is recorded.
"""

import datetime
import functools
import secrets

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cowork.models import Closure, DomainEvent, Invitation, Organization, Resource, SpaceRole
from cowork.phones import mask_phone_for_staff
from cowork.services.centres.spaces import space_create
from cowork.web.manage.urls import urlpatterns as manage_urls
from notifications.models import Notification
from tests.cowork.conftest import demo_copied_for_each_test
from tests.photos import photo_bytes, photo_upload

ANONYMOUS, MEMBER, HOST, GANJA_HOST, ADMIN = "anonymous", "member", "host", "ganja_host", "admin"
# Pages of one centre: (url name, extra url argument, methods).
CENTRE_PAGES = [
    ("web:manage-centre", None, ("GET", "POST")),
    ("web:manage-photo", None, ("GET", "POST")),
    ("web:manage-photo-remove", None, ("POST",)),
    ("web:manage-rules", None, ("GET", "POST")),
    ("web:manage-sms", None, ("GET", "POST")),
    ("web:manage-hours", None, ("GET", "POST")),
    ("web:manage-closures", None, ("GET", "POST")),
    ("web:manage-closure-remove", "closure", ("POST",)),
    ("web:manage-resources", None, ("GET", "POST")),
    ("web:manage-resource", "resource", ("GET", "POST")),
    ("web:manage-resource-retire", "resource", ("POST",)),
    ("web:manage-resource-restore", "resource", ("POST",)),
    ("web:manage-plan", None, ("GET", "POST")),
    ("web:manage-people", None, ("GET", "POST")),
    ("web:manage-role-remove", "role", ("POST",)),
    ("web:manage-invitation-withdraw", "invitation", ("POST",)),
]
# A POST that would change something if it were let through.
CHANGES = {
    "web:manage-centre": {
        "name": "Taken over",
        "city": "X",
        "spoken": ["en"],
        "message_language": "en",
        "currency": "AZN",
    },
    "web:manage-hours": {"d0_0_opens": "08:00", "d0_0_closes": "09:00"},
    "web:manage-closures": {"form": "closure", "starts_on": "2030-01-02", "reason": "Taken over"},
    "web:manage-resources": {"form": "desks", "count": "2", "prefix": "Intruder"},
    "web:manage-resource-retire": {"reason": "Taken over", "cancel_bookings": "1"},
    "web:manage-people": {"who": "member", "role": "host"},
    # A fresh file each time: an upload is read once. Its picture is drawn once.
    "web:manage-photo": lambda: {"photo": photo_upload(content=_photo())},
}
# Pages that are not one centre's: the list of centres to manage and opening a new one.
NOT_OF_A_CENTRE = {"manage-centres", "manage-centre-new"}

pytestmark = pytest.mark.usefixtures("media")


@functools.cache
def _photo() -> bytes:
    """The picture every POST of a photo sends: the phone's 3000×2000 JPEG of
    tests/photos.py, encoded once for the fifteen posts of the matrix."""
    return photo_bytes()


# The demo network, seeded once for this module, its objects copied for each test.
demo = pytest.fixture(demo_copied_for_each_test, name="demo")


def test_every_management_page_is_in_the_matrix():
    """A page added to centre management without a row here would be checked by no one."""
    listed = {name.removeprefix("web:") for name, _extra, _methods in CENTRE_PAGES}
    assert {pattern.name for pattern in manage_urls} == listed | NOT_OF_A_CENTRE


@pytest.fixture
def samarkand(demo):
    ngo = Organization.objects.create(name="Samarkand NGO", slug="samarkand-ngo", country="UZ")
    return space_create(
        organization=ngo,
        by=demo.admin,
        name="Samarkand NGO Co-working",
        slug="samarkand",
        city="Samarkand",
        country="UZ",
        time_zone="Asia/Samarkand",
        languages=["uz", "ru", "en"],
        safety_capacity=40,
        currency="UZS",
    )


def _urls(space) -> list[tuple[str, str]]:
    """(method, url) of every management page of `space`."""
    resource = Resource.objects.filter(space=space).first() or Resource.objects.create(
        space=space, kind=Resource.Kind.DESK, name="Desk 01"
    )
    closure = Closure.objects.create(
        space=space,
        starts_on=datetime.date(2031, 5, 1),
        ends_on=datetime.date(2031, 5, 1),
        reason="X",
    )
    role = SpaceRole.objects.filter(space=space).first()
    if role is None:
        from tests.factories import UserFactory

        role = SpaceRole.objects.create(space=space, user=UserFactory(), role="staff")
    invitation = _invitation(space)
    objects = {
        "resource": resource.pk,
        "closure": closure.pk,
        "role": role.pk,
        "invitation": invitation.pk,
    }
    urls = []
    for name, extra, methods in CENTRE_PAGES:
        args = [space.slug] + ([objects[extra]] if extra else [])
        urls += [(method, name, reverse(name, args=args)) for method in methods]
    return urls


# A mobile number of each demo country without an account, to invite.
NEW_PHONES = {"UA": "+380671112202", "AZ": "+994501112299", "UZ": "+998901112233"}


def _invitation(space) -> Invitation:
    """A live invitation to work at `space`, as its host would have sent it."""
    now = timezone.now()
    return Invitation.objects.create(
        space=space,
        phone=NEW_PHONES[space.country],
        role="staff",
        token_hash=secrets.token_hex(32),
        created_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )


def _changes() -> tuple[int, int, int]:
    """What a refused request must leave as it was: events, invitations sent, withdrawn."""
    invitations = Invitation.objects.aggregate(
        sent=Count("pk"), withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False))
    )
    return (DomainEvent.objects.count(), invitations["sent"], invitations["withdrawn"])


def _ask(client, method, name, url):
    if method == "GET":
        return client.get(url)
    data = CHANGES.get(name, {})
    return client.post(url, data() if callable(data) else data)


def _check(client, spaces, *, allowed: set[str], refused_status: int):
    """Ask every page of every centre; refused ones answer `refused_status` and change
    nothing. Returns the failures, so one run lists them all."""
    failures = []
    for space in spaces:
        for method, name, url in _urls(space):
            # Counted only where the request is to be refused: a change let in is no failure.
            before = None if space.slug in allowed else _changes()
            response = _ask(client, method, name, url)
            if space.slug in allowed:
                if response.status_code in (403, 404) or response.status_code >= 500:
                    failures.append(
                        f"{method} {url}: {response.status_code}, expected to be let in"
                    )
            else:
                if response.status_code != refused_status:
                    failures.append(
                        f"{method} {url}: {response.status_code}, expected {refused_status}"
                    )
                if _changes() != before:
                    failures.append(f"{method} {url}: refused, yet recorded a change")
    return failures


def _client_for(client, demo, role):
    user = {
        MEMBER: demo.member,
        HOST: demo.host,
        GANJA_HOST: demo.ganja_host,
        ADMIN: demo.admin,
    }.get(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "allowed", "refused_status"),
    [
        (ANONYMOUS, set(), 302),
        (MEMBER, set(), 403),
        (HOST, {"kramatorsk"}, 403),
        (GANJA_HOST, {"ganja"}, 403),
        (ADMIN, {"kramatorsk", "ganja", "samarkand"}, 403),
    ],
)
def test_only_hosts_of_a_centre_and_network_admins_manage_it(
    client, demo, samarkand, role, allowed, refused_status
):
    spaces = [demo.kramatorsk, demo.ganja, samarkand]
    aliases = {
        demo.kramatorsk.slug: "kramatorsk",
        demo.ganja.slug: "ganja",
        "samarkand": "samarkand",
    }
    allowed_slugs = {slug for slug, alias in aliases.items() if alias in allowed}
    failures = _check(
        _client_for(client, demo, role),
        spaces,
        allowed=allowed_slugs,
        refused_status=refused_status,
    )
    assert failures == []


@pytest.mark.parametrize("role", [ANONYMOUS, MEMBER, HOST, GANJA_HOST])
def test_only_network_admins_open_a_centre(client, demo, role):
    client = _client_for(client, demo, role)
    organization = demo.ganja.organization.pk
    for method in ("GET", "POST"):
        url = reverse("web:manage-centre-new")
        response = (
            client.get(url)
            if method == "GET"
            else client.post(
                url, {"organization": organization, "name": "Sneaky", "city": "X", "country": "AZ"}
            )
        )
        assert response.status_code == (302 if role == ANONYMOUS else 403)
    assert not Organization.objects.filter(spaces__name="Sneaky").exists()


def test_the_list_of_centres_to_manage_shows_only_ones_own(client, demo, samarkand):
    client.force_login(demo.host)
    page = client.get(reverse("web:manage-centres")).content.decode()
    assert demo.kramatorsk.name in page
    assert demo.ganja.name not in page
    assert samarkand.name not in page
    assert client.get(reverse("web:manage-centres")).status_code == 200
    client.force_login(demo.member)
    assert client.get(reverse("web:manage-centres")).status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (MEMBER, set()),
        (HOST, {"kramatorsk"}),
        (GANJA_HOST, {"ganja"}),
        (ADMIN, {"kramatorsk", "ganja", "samarkand"}),
    ],
)
def test_only_hosts_of_a_centre_and_network_admins_invite_people_to_work_there(
    client, demo, samarkand, role, allowed
):
    """A phone without an account, posted on each centre's people page: invited where the
    viewer manages the centre, refused (403, nothing sent) elsewhere."""
    client = _client_for(client, demo, role)
    spaces = {"kramatorsk": demo.kramatorsk, "ganja": demo.ganja, "samarkand": samarkand}
    for alias, space in spaces.items():
        phone = NEW_PHONES[space.country]
        url = reverse("web:manage-people", args=[space.slug])
        response = client.post(url, {"who": phone, "role": "host"})
        sent = Invitation.objects.filter(space=space, phone=phone, role="host")
        if alias in allowed:
            assert response.status_code == 302, (alias, response.status_code)
            assert sent.count() == 1
            page = client.get(url).content.decode()
            assert mask_phone_for_staff(phone) in page and phone not in page
        else:
            assert response.status_code == 403, (alias, response.status_code)
            assert not sent.exists()
    assert Invitation.objects.count() == len(allowed)
    assert Notification.objects.count() == len(allowed)  # an SMS for each, none else
