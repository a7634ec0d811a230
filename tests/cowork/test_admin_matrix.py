"""Every admin page and lookup, for every role: who may list, add, change and delete what,
and that nothing outside the viewer's centres shows in any answer."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from cowork.models import Event, Organization, Space, SpaceRole, Tag
from cowork.selectors.access import (
    organizations_managed_by,
    people_known_to,
    spaces_managed_by,
    tags_visible_to,
)
from tests.cowork.admin_forms import url_name
from tests.cowork.admin_rows import centre_rows, network_rows
from tests.cowork.conftest import demo_copied_for_each_test
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL = frozenset({"view", "add", "change", "delete"})
VIEW = frozenset({"view"})
NOTHING = frozenset()

# What a host may do with the rows of their own centres, and what a network admin (or a
# superuser) may do with any row. Other models are Django's or django-q's: superusers only.
POLICY = {
    "cowork.Space": ({"view", "change"}, ALL),
    "cowork.Organization": (VIEW, ALL),
    "cowork.Resource": (ALL, ALL),
    "cowork.SpaceRole": (ALL, ALL),
    "cowork.Booking": (VIEW, VIEW),
    "cowork.Series": (VIEW, VIEW),
    "cowork.Event": ({"view", "change"}, {"view", "change"}),
    "cowork.Registration": ({"view", "change"}, {"view", "change"}),
    "cowork.Attendance": ({"view", "delete"}, {"view", "delete"}),
    "cowork.DisplayToken": ({"view", "delete"}, {"view", "delete"}),
    "cowork.WalkIn": ({"view", "change"}, {"view", "change"}),
    "notifications.Notification": (VIEW, VIEW),
    "notifications.SmsSender": (ALL, ALL),
    "cowork.Tag": ({"view", "add", "change"}, ALL),
    "cowork.Member": (NOTHING, ALL),
    "cowork.Participant": (NOTHING, ALL),
    "cowork.ApiToken": (NOTHING, ALL),
    "cowork.DonorAccess": (NOTHING, ALL),
    "auth.User": (NOTHING, ALL),
    "notifications.SmsOptOut": (NOTHING, ALL),
    "cowork.DomainEvent": (NOTHING, VIEW),
    "notifications.InboundSms": (NOTHING, VIEW),
    "notifications.SentDonorReport": (NOTHING, VIEW),
}
ROLES = ["anonymous", "member", "kramatorsk_host", "ganja_host", "network_admin", "superuser"]
NEEDS = {"changelist": "view", "add": "add", "change": "view", "delete": "delete"}


# The demo network, seeded once for this module: every test reads it, and what one writes
# (its rows, a sign-in) is rolled back after it.
demo = pytest.fixture(demo_copied_for_each_test, name="demo")


def _viewer(role, demo):
    return {
        "anonymous": None,
        "member": demo.member,
        "kramatorsk_host": demo.host,
        "ganja_host": demo.ganja_host,
        "network_admin": demo.admin,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }[role]


def _may(role, label) -> frozenset:
    if label not in POLICY:
        return ALL if role == "superuser" else NOTHING
    host, network = POLICY[label]
    return frozenset(network if role in ("network_admin", "superuser") else host)


def _expected(role, may, action, *, in_scope: bool) -> int:
    if role in ("anonymous", "member"):
        return 302  # to the admin's sign-in page
    if NEEDS[action] not in may:
        return 403
    # A row outside the viewer's scope is answered as missing: back to the index.
    return 200 if in_scope or action in ("changelist", "add") else 302


def _out_of_scope_names(user) -> set[str]:
    """Names the viewer must never read: centres, organizations, tags, events and hosts
    outside their scope, and every row made for the other centre."""
    if user is None or user.is_superuser or not spaces_managed_by(user=user).exists():
        return set()
    spaces = spaces_managed_by(user=user)
    if spaces.count() == Space.objects.count():
        return set()
    outside_hosts = (
        get_user_model()
        .objects.filter(space_roles__role=SpaceRole.Role.HOST)
        .exclude(space_roles__space__in=spaces)
    )
    marker = "Ganja-only" if spaces.filter(city="Kramatorsk").exists() else "Kramatorsk-only"
    return (
        {marker}
        | set(Space.objects.exclude(pk__in=spaces).values_list("name", flat=True))
        | set(
            Organization.objects.exclude(
                pk__in=organizations_managed_by(user=user).values("pk")
            ).values_list("name", flat=True)
        )
        | set(Tag.objects.exclude(pk__in=tags_visible_to(user=user)).values_list("name", flat=True))
        | set(Event.objects.exclude(space__in=spaces).values_list("title", flat=True))
        | set(outside_hosts.values_list("last_name", flat=True))
    )


def _check(failures, response, expected, leaks, what):
    if response.status_code != expected:
        failures.append(f"{what}: {response.status_code}, expected {expected}")
    body = response.content.decode()
    failures.extend(f"{what} shows {name!r}" for name in leaks if name in body)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_intended(client, demo, kramatorsk_event, role):
    rows = centre_rows(demo, kramatorsk_event)
    network = network_rows(demo)
    user = _viewer(role, demo)
    if user is not None:
        client.force_login(user)
    # The rows the viewer manages, then those of the other centre.
    own, other = (
        (rows["ganja"], rows["kramatorsk"])
        if role == "ganja_host"
        else (
            rows["kramatorsk"],
            rows["ganja"],
        )
    )
    everything = role in ("network_admin", "superuser")
    leaks = _out_of_scope_names(user)
    failures = []
    index = client.get(reverse("admin:index"))
    _check(failures, index, 302 if role in ("anonymous", "member") else 200, leaks, "index")
    for model in admin.site._registry:
        label = model._meta.label
        may = _may(role, label)
        if label not in POLICY and role == "superuser":
            # Django's and django-q's own admins; their lists are enough here.
            response = client.get(reverse(url_name(model, "changelist")))
            _check(failures, response, 200, leaks, f"{label} changelist")
            continue
        for action in ("changelist", "add"):
            response = client.get(reverse(url_name(model, action)))
            expected = _expected(role, may, action, in_scope=True)
            _check(failures, response, expected, leaks, f"{label} {action}")
        if label in own:
            objects = [(own[label], True), (other[label], everything)]
        elif label in network:
            objects = [(network[label], True)]
        else:
            continue
        for obj, in_scope in objects:
            for action in ("change", "delete"):
                response = client.get(reverse(url_name(model, action), args=[obj.pk]))
                expected = _expected(role, may, action, in_scope=in_scope)
                _check(failures, response, expected, leaks, f"{label} {action} of {obj}")
    assert not failures, "\n".join(failures)


def _autocomplete_fields():
    """(model admin, source model, field name) of every autocomplete field, inlines too."""
    for model_admin in admin.site._registry.values():
        for owner in [model_admin, *model_admin.inlines]:
            for field_name in owner.autocomplete_fields:
                yield owner.model, field_name


@pytest.mark.parametrize("role", ROLES)
def test_every_autocomplete_answers_only_what_the_viewer_may_fill_in(client, demo, role):
    user = _viewer(role, demo)
    if user is not None:
        client.force_login(user)
    leaks = _out_of_scope_names(user)
    known = set() if user is None else set(people_known_to(user=user).values_list("username"))
    known = {username for (username,) in known}
    everyone = role in ("network_admin", "superuser")
    failures = []
    fields = set(_autocomplete_fields())
    assert fields, "no autocomplete field found"
    # Foreign keys the admin offers no search for are nobody's to search through.
    not_offered = {(Space, "organization"), (Event, "space")}
    for (model, field_name), offered in [(f, True) for f in fields] + [
        (f, False) for f in not_offered
    ]:
        label = model._meta.label
        may = _may(role, label)
        for term in ("", "a", "demo.cowork", "Huseynova", "Kovalenko"):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": term,
                },
            )
            if role in ("anonymous", "member"):
                expected = 302
            else:
                expected = 200 if offered and may & {"add", "change"} else 403
            what = f"{label}.{field_name} {term!r}"
            _check(failures, response, expected, leaks, what)
            if response.status_code == 200:
                found = {result["text"] for result in response.json()["results"]}
                failures.extend(f"{what} finds {name}" for name in found - known)
                if term == "demo.cowork" and found and not everyone:
                    failures.append(f"{what}: a host searches people by e-mail")
    assert not failures, "\n".join(failures)
