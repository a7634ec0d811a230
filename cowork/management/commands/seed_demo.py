"""Load the demo network: the real centres of the founding documents, with people to sign in.

Idempotent: every row is found by its natural key and updated, so running it again changes
nothing and duplicates nothing. `--only` loads some of the centres, with the same people.
"""

import collections
import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from cowork.management.commands._demo_names import (
    centre_translations,
    holiday_names,
    resource_translations,
)
from cowork.management.demo_history import load_history
from cowork.models import (
    Closure,
    Event,
    Member,
    OpeningHours,
    Organization,
    Resource,
    ServicePrice,
    Space,
    SpaceRole,
)
from cowork.services.events import event_create

DEMO_PASSWORDS = {
    "admin": "cowork-admin",
    "host": "cowork-host",
    "host.ganja": "cowork-host",
    "member": "cowork-member",
}


@dataclass(frozen=True)
class Centre:
    city: str
    region: str
    phone: str


@dataclass(frozen=True)
class Network:
    organization: str
    country: str
    time_zone: str
    languages: list[str]
    currency: str
    kind: str
    centres: list[Centre]
    hours: dict[int, tuple[str, str]]
    closures: list[tuple[str, str, str]] = field(default_factory=list)


WEEKDAYS_9_TO_18 = {day: ("09:00", "18:00") for day in range(5)}

AZERBAIJAN = Network(
    organization="Regional Information Centres Association",
    country="AZ",
    time_zone="Asia/Baku",
    languages=["az", "ru", "en"],
    currency="AZN",
    kind="information",
    hours={**WEEKDAYS_9_TO_18, 5: ("10:00", "15:00")},
    closures=[
        ("2027-01-01", "2027-01-02", "New Year"),
        ("2027-03-20", "2027-03-24", "Novruz"),
    ],
    centres=[
        Centre(city, region, f"+99450200{index:04d}")
        for index, (city, region) in enumerate(
            [
                ("Shirvan", "Shirvan"),
                ("Imishli", "Mil-Mughan"),
                ("Sumgait", "Absheron"),
                ("Guba", "Guba-Khachmaz"),
                ("Gazakh", "Gazakh-Tovuz"),
                ("Shaki", "Shaki-Zagatala"),
                ("Ganja", "Ganja-Dashkasan"),
                ("Zagatala", "Shaki-Zagatala"),
                ("Ismailli", "Shamakhi-Ismailli"),
                ("Mingachevir", "Central Aran"),
                ("Lenkaran", "Lankaran-Astara"),
                ("Tovuz", "Gazakh-Tovuz"),
                ("Terter", "Karabakh"),
                ("Barda", "Karabakh"),
                ("Ujar", "Central Aran"),
                ("Goychay", "Central Aran"),
                ("Masalli", "Lankaran-Astara"),
                ("Khachmaz", "Guba-Khachmaz"),
                ("Shemkir", "Ganja-Dashkasan"),
            ],
            start=1,
        )
    ],
)

UKRAINE = Network(
    organization="Donbas IT Solutions",
    country="UA",
    time_zone="Europe/Kyiv",
    languages=["uk", "en"],
    currency="UAH",
    kind="it",
    hours={day: ("09:00", "19:00") for day in range(6)},
    closures=[("2027-01-01", "2027-01-01", "New Year")],
    centres=[
        Centre("Kramatorsk", "Donetsk Oblast", "+380501230001"),
        Centre("Sievierodonetsk", "Luhansk Oblast", "+380501230002"),
    ],
)

UZBEKISTAN = Network(
    organization="NGO Co-working Uzbekistan",
    country="UZ",
    time_zone="Asia/Tashkent",
    languages=["uz", "ru", "en"],
    currency="UZS",
    kind="coworking",
    hours={**WEEKDAYS_9_TO_18, 5: ("10:00", "16:00")},
    closures=[
        ("2027-01-01", "2027-01-01", "New Year"),
        ("2027-03-21", "2027-03-21", "Navruz"),
    ],
    centres=[
        Centre("Urgench", "Khorezm", "+998901230001"),
        Centre("Navoi", "Navoi", "+998901230002"),
        Centre("Tashkent", "Tashkent", "+998901230003"),
        Centre("Ferghana", "Ferghana", "+998901230004"),
        Centre("Kokand", "Ferghana", "+998901230005"),
    ],
)

NETWORKS = [AZERBAIJAN, UKRAINE, UZBEKISTAN]

# Ganja's centre is run by its own NGO, so the demo shows a host limited to one organization.
GANJA_ORGANIZATION = "Ganja Women and Youth Centre"

# Per kind of centre: desks on the floor plan, rooms (name, seats, built-in equipment,
# needs approval, price per hour), and equipment (name, type, count).
LAYOUTS = {
    "information": {
        "capacity": 40,
        "desks": 8,
        "rooms": [("Meeting room", 20, ["projector", "screen", "flipchart"], False, "20")],
        "equipment": [("Laptop", "laptop", 2), ("Projector", "projector", 1)],
    },
    "it": {
        "capacity": 60,
        "desks": 30,
        "rooms": [
            ("Training room", 24, ["interactive_whiteboard", "projector"], False, "400"),
            ("Meeting room", 10, ["tv", "video_conferencing", "whiteboard"], True, "250"),
        ],
        "equipment": [
            ("Laptop", "laptop", 10),
            ("Graphics tablet", "graphics_tablet", 4),
            ("Interactive whiteboard", "interactive_whiteboard", 1),
            ("Projector", "projector", 2),
        ],
    },
    "coworking": {
        "capacity": 35,
        "desks": 12,
        "rooms": [("Meeting room", 12, ["projector", "whiteboard"], False, "150000")],
        "equipment": [("Laptop", "laptop", 2), ("Projector", "projector", 1)],
    },
}

DESKS_PER_ROW = 10


def centre_slug(network: Network, centre: Centre) -> str:
    return slugify(f"{centre.city}-{network.kind}")


def _upsert(model, *, space: Space, key: str, rows: dict) -> None:
    """update_or_create for many rows of one space, each found by its `key`, in few queries.

    `rows` maps a key to the row's other fields. A centre has dozens of resources: a query
    or two per row made loading the network take seconds.
    """
    existing = {
        getattr(row, key): row for row in model.objects.filter(space=space, **{f"{key}__in": rows})
    }
    model.objects.bulk_create(
        [
            model(space=space, **{key: value}, **fields)
            for value, fields in rows.items()
            if value not in existing
        ]
    )
    changed = collections.defaultdict(list)
    for value, fields in rows.items():
        row = existing.get(value)
        if row is None or _holds(row, fields):
            continue
        for name, field_value in fields.items():
            setattr(row, name, field_value)
        changed[tuple(fields)].append(row)
    for names, to_update in changed.items():
        model.objects.bulk_update(to_update, names)


def _holds(row, fields: dict) -> bool:
    """Whether `row` has every value of `fields` already (read as its field reads it, so
    "09:00" is 09:00): seeding again, as every start does, then writes nothing of it."""
    return all(
        getattr(row, name) == row._meta.get_field(name).to_python(value)
        for name, value in fields.items()
    )


class ProgressStream:
    """tqdm's file: the command's stderr, so `call_command(stderr=...)` catches the bar too.

    The bar is drawn by rewriting one line, so nothing is added to what tqdm writes:
    OutputWrapper would end each write with a newline and colour stderr as an error.
    """

    def __init__(self, out: OutputWrapper):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, style_func=lambda text: text, ending="")

    def flush(self) -> None:
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Load the demo network of 26 centres with hosts, members, an upcoming round-table "
        "and three months of past visits and events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            metavar="SLUG,...",
            type=lambda value: [slug.strip() for slug in value.split(",") if slug.strip()],
            help=(
                "Load only these centres (e.g. kramatorsk-it,ganja-information), with every "
                "demo person; a host's role and the round-table come with their centre."
            ),
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Leave out the three months of past visits and events (tests do).",
        )

    def handle(self, *args, **options):
        centres = [(network, centre) for network in NETWORKS for centre in network.centres]
        centres_all = list(centres)
        if options.get("only"):
            known = {centre_slug(network, centre) for network, centre in centres}
            if unknown := sorted(set(options["only"]) - known):
                raise CommandError(
                    f"No demo centre {', '.join(unknown)}; "
                    f"the slugs are: {', '.join(sorted(known))}"
                )
            centres = [pair for pair in centres if centre_slug(*pair) in options["only"]]
        progress = tqdm(
            centres,
            desc="Demo centres",
            unit="centre",
            file=ProgressStream(self.stderr),
            disable=options["verbosity"] == 0,
        )
        with transaction.atomic():
            spaces = {}
            for network, centre in progress:
                progress.set_postfix_str(centre.city)
                spaces[centre.city] = self._centre(network, centre)
            people = self._people(spaces)
            if "Ganja" in spaces:
                self._round_table(spaces["Ganja"], people["host.ganja"])
            if not options.get("no_history"):
                self._history(spaces, people, centres_all)
        self.stdout.write(
            self.style.SUCCESS(f"Demo network ready: {Space.objects.count()} centres.")
        )

    def _history(self, spaces: dict, people: dict, centres_all: list) -> None:
        hosts = {"Kramatorsk": people["host"], "Ganja": people["host.ganja"]}
        numbers = {centre.city: n for n, (_network, centre) in enumerate(centres_all, 1)}
        for city, space in spaces.items():
            load_history(space, number=numbers[city], host=hosts.get(city, people["admin"]))

    def _organization(self, name: str, country: str) -> Organization:
        organization, _created = Organization.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "country": country}
        )
        return organization

    def _centre(self, network: Network, centre: Centre) -> Space:
        layout = LAYOUTS[network.kind]
        owner = GANJA_ORGANIZATION if centre.city == "Ganja" else network.organization
        label = {
            "information": "Community Information Centre",
            "it": "IT Solution Centre",
            "coworking": "NGO Co-working",
        }[network.kind]
        desk_rows = -(-layout["desks"] // DESKS_PER_ROW)
        space, _created = Space.objects.update_or_create(
            slug=centre_slug(network, centre),
            defaults={
                "organization": self._organization(owner, network.country),
                "name": f"{centre.city} {label}",
                "translations": centre_translations(network.kind, centre.city),
                "city": centre.city,
                "region": centre.region,
                "country": network.country,
                "address": f"Central street 1, {centre.city}",
                "time_zone": network.time_zone,
                "languages": network.languages,
                "safety_capacity": layout["capacity"],
                "accessibility": ["step_free_entrance", "accessible_toilet"],
                "contact_phone": centre.phone,
                "currency": network.currency,
                "floor_plan_width": 40 + DESKS_PER_ROW * 90,
                "floor_plan_height": 60 + desk_rows * 70 + 160,
            },
        )
        _upsert(
            OpeningHours,
            space=space,
            key="weekday",
            rows={
                weekday: {"opens": opens, "closes": closes}
                for weekday, (opens, closes) in network.hours.items()
            },
        )
        for starts_on, ends_on, reason in network.closures:
            Closure.objects.update_or_create(
                space=space,
                starts_on=starts_on,
                defaults={
                    "ends_on": ends_on,
                    "reason": reason,
                    "translations": holiday_names(reason),
                },
            )
        ServicePrice.objects.update_or_create(
            space=space,
            service="Venue rental, full day",
            defaults={
                "unit": ServicePrice.Unit.DAY,
                "amount": Decimal(layout["rooms"][0][4]) * 6,
                "is_room_day_rate": True,
            },
        )
        resources = {}
        for number in range(1, layout["desks"] + 1):
            row, column = divmod(number - 1, DESKS_PER_ROW)
            resources[f"Desk {number:02d}"] = {
                "kind": Resource.Kind.DESK,
                "attributes": ["power", "monitor"] if number % 3 == 0 else ["power"],
                "accessible": column < 2,
                "plan_x": 20 + column * 90,
                "plan_y": 40 + row * 70,
                "plan_width": 70,
                "plan_height": 50,
            }
        for index, (name, seats, equipment, approval, price) in enumerate(layout["rooms"]):
            resources[name] = {
                "kind": Resource.Kind.ROOM,
                "capacity": seats,
                "equipment": equipment,
                "accessible": index == 0,
                "needs_approval": approval,
                "price_per_hour": Decimal(price),
                "plan_x": 20 + index * 320,
                "plan_y": 60 + desk_rows * 70,
                "plan_width": 300,
                "plan_height": 130,
            }
        for name, equipment_type, count in layout["equipment"]:
            for number in range(1, count + 1):
                resources[f"{name} {number}" if count > 1 else name] = {
                    "kind": Resource.Kind.EQUIPMENT,
                    "equipment_type": equipment_type,
                }
        for name, row in resources.items():
            row["translations"] = resource_translations(name)
        _upsert(Resource, space=space, key="name", rows=resources)
        return space

    def _user(self, username, *, first, last, phone, language, is_staff=False, **member):
        user, _created = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.cowork.invalid",
                "is_staff": is_staff,
            },
        )
        user.set_password(DEMO_PASSWORDS[username])
        user.save(update_fields=["password"])
        Member.objects.update_or_create(
            user=user, defaults={"phone": phone, "language": language, **member}
        )
        return user

    def _host(self, username: str, space: Space | None, **fields):
        """A host of `space`, or with no centre when --only left it out."""
        host = self._user(username, is_staff=True, **fields)
        if space is not None:
            SpaceRole.objects.update_or_create(
                user=host, space=space, defaults={"role": SpaceRole.Role.HOST}
            )
        return host

    def _people(self, spaces: dict[str, Space]) -> dict:
        admin = self._user(
            "admin",
            first="Leyla",
            last="Mammadova",
            phone="+994501110001",
            language="en",
            is_staff=True,
            is_network_admin=True,
        )
        host = self._host(
            "host",
            spaces.get("Kramatorsk"),
            first="Olena",
            last="Kovalenko",
            phone="+380501110002",
            language="uk",
        )
        ganja_host = self._host(
            "host.ganja",
            spaces.get("Ganja"),
            first="Aysel",
            last="Huseynova",
            phone="+994501110004",
            language="az",
        )
        member = self._user(
            "member",
            first="Dmytro",
            last="Shevchuk",
            phone="+380501110003",
            language="uk",
            organization=self._organization(UKRAINE.organization, "UA"),
        )
        return {"host": host, "host.ganja": ganja_host, "member": member, "admin": admin}

    def _round_table(self, space: Space, host) -> None:
        """One round-table next Thursday at 11:00 in Ganja, local time, once."""
        title = "Round-table on e-government services"
        if Event.objects.filter(space=space, title=title).exists():
            return
        zone = zoneinfo.ZoneInfo(space.time_zone)
        today = timezone.now().astimezone(zone).date()
        day = today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7)
        starts_at = datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=zone)
        room = space.resources.get(kind=Resource.Kind.ROOM, name="Meeting room")
        event_create(
            space=space,
            room=room,
            host=host,
            kind=Event.Kind.ROUND_TABLE,
            title=title,
            description=(
                "How residents of Ganja use ASAN and e-gov services, and what is missing."
            ),
            translations={
                "az": {"title": "E-hökumət xidmətləri üzrə dəyirmi masa"},
                "ru": {"title": "Круглый стол об электронных госуслугах"},
            },
            sessions=[(starts_at, starts_at + datetime.timedelta(hours=2))],
            capacity=room.capacity,
            organizer_name="Ganja Women and Youth Centre",
        )
