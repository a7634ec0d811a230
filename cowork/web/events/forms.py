"""Forms of the event pages: a host creates an event, people register, hosts mark who came.

As on the booking pages, people choose local dates and wall-clock times of the centre and
the forms turn them into aware datetimes in the centre's zone; a course's sessions are
expanded here, by the series rule, so the service receives a plain list of sessions.
Phone numbers are read once, here, into E.164, in the country of the event's centre; what
does not parse, or is a number the centre may not text, is a field error.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from cowork.booking_rules import periods_of
from cowork.errors import DomainError
from cowork.models import Event, Resource, Space, Tag
from cowork.models.people import AgeBand, Disability, Gender
from cowork.models.spaces import WEEKDAYS
from cowork.phones import mobile_hint, phone_for_centre, phone_to_e164
from cowork.selectors.access import tags_usable_at
from cowork.services.events.events import OutsideVenue
from cowork.services.events.registrations import Demographics
from cowork.services.series import series_occurrences
from cowork.web.forms import WindowForm, aware

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# RFC 5545 weekday codes, Monday first like `datetime.weekday()`.
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MAX_WEEKS = 52

# What kind of organization someone comes from; stored as the code, reported by it.
ORGANIZATION_TYPES = [
    ("ngo", _("NGO or civil society group")),
    ("government", _("Government or municipality")),
    ("business", _("Business")),
    ("education", _("School or university")),
    ("media", _("Media")),
    ("individual", _("No organization (private person)")),
    ("other", _("Other")),
]
NO_ANSWER = [("", _("— No answer —"))]


def _phone_field(label):
    # The help, the centre's example number, is set by the form that knows the centre.
    return forms.CharField(
        label=label,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


def _form_error(exc: ValidationError) -> forms.ValidationError:
    return forms.ValidationError(exc.messages[0], code="bad_phone")


class CentrePhoneForm(forms.Form):
    """A form with the `phone` of someone dealing with one centre: typed without a country
    code it is read in the centre's country, the help shows that country's example, and
    only numbers the centre may text are taken (`phone_for_centre`)."""

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["phone"].help_text = mobile_hint(space.country)

    def clean_phone(self):
        try:
            return phone_for_centre(self.cleaned_data["phone"], space=self.space)
        except ValidationError as exc:
            raise _form_error(exc) from exc


class _RoomChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, room):
        seats = ngettext("%(count)d seat", "%(count)d seats", room.capacity) % {
            "count": room.capacity
        }
        step_free = f" · {_('step-free')}" if room.accessible else ""
        return f"{room.name_in(get_language())} — {seats}{step_free}"


def _local_moment_field(label, help_text) -> forms.DateTimeField:
    """An optional wall-clock moment of the centre, typed in the browser's date-time picker."""
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[LOCAL_DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME_FORMAT),
        help_text=help_text,
    )


class EventForm(WindowForm):
    """A new event: one session on a day, or a weekly course over a number of weeks.

    `cleaned_data` gains `sessions` (aware [start, end) pairs), `translations` (only the
    languages given) and aware `registration_opens_at` / `registration_closes_at`.
    """

    SINGLE, WEEKLY = "single", "weekly"
    IN_ROOMS, OUTSIDE = "rooms", "outside"
    # An outside venue keeps its own hours: any quarter of the day may start or end it.
    QUARTERS = [datetime.time(hour, minute) for hour in range(24) for minute in (0, 15, 30, 45)]

    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    where = forms.ChoiceField(
        label=_("Where"),
        choices=[(IN_ROOMS, _("In the centre's rooms")), (OUTSIDE, _("At an outside venue"))],
        initial=IN_ROOMS,
        required=False,
        widget=forms.RadioSelect,
    )
    room = _RoomChoiceField(
        label=_("Rooms"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick one room, or several for an event bigger than any room: each is booked "
            "for every session."
        ),
    )
    venue_name = forms.CharField(label=_("Venue"), max_length=200, required=False)
    venue_address = forms.CharField(label=_("Venue's address"), max_length=300, required=False)
    venue_capacity = forms.IntegerField(
        label=_("Seats at the venue"), min_value=1, max_value=100_000, required=False
    )
    schedule = forms.ChoiceField(
        label=_("Sessions"),
        choices=[(SINGLE, _("One session")), (WEEKLY, _("Every week, as a course"))],
        initial=SINGLE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On these weekdays"), required=False, widget=forms.CheckboxSelectMultiple
    )
    weeks = forms.IntegerField(
        label=_("Number of weeks"), required=False, min_value=1, max_value=MAX_WEEKS
    )
    skip_refused_sessions = forms.BooleanField(
        label=_("Skip the sessions the room cannot be booked for"),
        required=False,
        help_text=_("Otherwise every session that cannot be held is listed and nothing is made."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        help_text=_("No more than the ticked rooms or the venue seat."),
    )
    registration_opens = _local_moment_field(_("Registration opens"), _("Empty: open from now."))
    registration_closes = _local_moment_field(
        _("Registration closes"), _("Empty: open until the event starts.")
    )
    registrations_need_approval = forms.BooleanField(
        label=_("A host approves each registration"), required=False
    )
    is_public = forms.BooleanField(
        label=_("Public: anyone can see the event and register"), required=False, initial=True
    )
    organizer_name = forms.CharField(label=_("Organizer"), max_length=200, required=False)
    organizer_phone = forms.CharField(
        label=_("Organizer's phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Seen by the centre's hosts and staff only."),
    )
    organizer_email = forms.EmailField(label=_("Organizer's e-mail"), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Projects and donors"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, space=space, **kwargs)
        self.fields["date"].label = _("Date")
        self.fields["date"].help_text = _("For a course, the date of the first session.")
        # A typical two-hour morning event, where the grid has those times.
        for name, wall in (("start", "10:00"), ("end", "12:00")):
            if (wall, wall) in self.fields[name].choices:
                self.fields[name].initial = wall
        self.fields["room"].queryset = space.resources.filter(
            kind=Resource.Kind.ROOM, out_of_service=False
        ).order_by("name")
        for name in ("start", "end"):
            on_grid = {value for value, _label in self.fields[name].choices}
            walls = sorted(on_grid | {wall.strftime("%H:%M") for wall in self.QUARTERS})
            self.fields[name].choices = [(wall, wall) for wall in walls]
        self.fields["tags"].queryset = tags_usable_at(space=space)
        open_days = sorted({period.weekday for period in periods_of(space)}) or range(7)
        names = dict(WEEKDAYS)
        self.fields["weekdays"].choices = [(str(day), names[day]) for day in open_days]
        self.language_fields = []
        for code, name in settings.LANGUAGES:
            if code not in space.languages:
                continue
            title = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=200,
                required=False,
            )
            description = forms.CharField(
                label=_("Description in %(language)s") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"title_{code}"] = title
            self.fields[f"description_{code}"] = description
            self.language_fields.append((code, name))

    def translation_fields(self):
        """Bound title and description fields per language of the centre, for the template."""
        return [
            (name, self[f"title_{code}"], self[f"description_{code}"])
            for code, name in self.language_fields
        ]

    def clean_organizer_phone(self):
        value = self.cleaned_data["organizer_phone"].strip()
        if not value:
            return ""
        try:
            return phone_to_e164(value, region=self.space.country)
        except ValidationError as exc:
            raise _form_error(exc) from exc

    def is_outside(self) -> bool:
        return self.data.get(self.add_prefix("where")) == self.OUTSIDE

    def keeps_opening_hours(self) -> bool:
        return not self.is_outside()

    def _clean_place(self, data) -> None:
        """Rooms of the centre, or a venue elsewhere, as the `where` choice says; the other
        part's fields are hidden by then and ignored, as a one-off event ignores weekdays."""
        if self.is_outside():
            if not (data.get("venue_name") or "").strip():
                self.add_error("venue_name", _("Give the outside venue's name."))
            if not data.get("venue_capacity") and "venue_capacity" not in self.errors:
                self.add_error("venue_capacity", _("Say how many people the venue seats."))
        elif not data.get("room") and "room" not in self.errors:
            self.add_error("room", _("Tick a room, or choose an outside venue."))

    def clean(self):
        data = super().clean()
        self._clean_place(data)
        if "starts_at" not in data:
            return data
        if data["closed"]:
            reason = f" ({data['closure_reason']})" if data["closure_reason"] else ""
            raise forms.ValidationError(
                _("The centre is closed on %(date)s%(reason)s; choose another day.")
                % {"date": date_format(data["date"], "DATE_FORMAT"), "reason": reason},
                code="closed",
            )
        data["sessions"] = self._sessions(data)
        data["translations"] = {
            code: {
                key: text
                for key, text in (
                    ("title", data.get(f"title_{code}", "").strip()),
                    ("description", data.get(f"description_{code}", "").strip()),
                )
                if text
            }
            for code, _name in self.language_fields
            if data.get(f"title_{code}", "").strip() or data.get(f"description_{code}", "").strip()
        }
        opens = self._aware_or_error(data.get("registration_opens"), "registration_opens")
        closes = self._aware_or_error(data.get("registration_closes"), "registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("Registration must close after it opens."))
        data["registration_opens_at"], data["registration_closes_at"] = opens, closes
        return data

    # What `event_create` takes from the form, as it names them.
    EVENT_ARGUMENTS = (
        "skip_refused_sessions",
        "kind",
        "title",
        "description",
        "translations",
        "sessions",
        "capacity",
        "is_public",
        "registration_opens_at",
        "registration_closes_at",
        "registrations_need_approval",
        "organizer_name",
        "organizer_phone",
        "organizer_email",
    )

    def event_arguments(self) -> dict:
        """The cleaned form as keyword arguments of `event_create` (all but who and where)."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.EVENT_ARGUMENTS}
        if self.is_outside():
            venue = OutsideVenue(
                name=data["venue_name"],
                address=data["venue_address"],
                capacity=data["venue_capacity"],
            )
            return arguments | {"venue": venue, "tags": list(data["tags"])}
        # The biggest room first: it is the one lists name before the others.
        rooms = sorted(data["room"], key=lambda room: (-room.capacity, room.name, room.pk))
        return arguments | {
            "room": rooms[0],
            "other_rooms": rooms[1:],
            "tags": list(data["tags"]),
        }

    def _sessions(self, data) -> list[tuple[datetime.datetime, datetime.datetime]]:
        starts_at, ends_at = data["starts_at"], data["ends_at"]
        if data.get("schedule") != self.WEEKLY:
            return [(starts_at, ends_at)]
        days = sorted(int(day) for day in data.get("weekdays") or [])
        weeks = data.get("weeks")
        if not days:
            self.add_error("weekdays", _("Tick the weekdays the course meets on."))
        if not weeks:
            self.add_error("weeks", _("Say for how many weeks the course runs."))
        if not days or not weeks:
            return []
        first = data["date"]
        if first.weekday() not in days:
            self.add_error(
                "date",
                _("%(date)s is a %(weekday)s; tick that day or start on a ticked day.")
                % {
                    "date": date_format(first, "DATE_FORMAT"),
                    "weekday": dict(WEEKDAYS)[first.weekday()],
                },
            )
            return []
        # Every ticked weekday from the first date up to the day before the same weekday
        # `weeks` weeks later: 4 weeks of Tuesdays and Thursdays are 8 sessions.
        last_day = first + datetime.timedelta(days=7 * weeks - 1)
        rule = "FREQ=WEEKLY;BYDAY={days};UNTIL={until}".format(
            days=",".join(BYDAY[day] for day in days),
            until=last_day.strftime("%Y%m%dT235959"),
        )
        try:
            return series_occurrences(
                rrule=rule,
                first_start_local=starts_at,
                duration=ends_at - starts_at,
                zone=self.space.zone,
            )
        except DomainError as refusal:
            self.add_error("weeks", refusal.message)
            return []

    def _aware_or_error(self, moment: datetime.datetime | None, field: str):
        if moment is None:
            return None
        # The input is the centre's wall clock; any zone Django attached is discarded.
        local = aware(self.space, moment.date(), moment.replace(tzinfo=None).time())
        if local is None:
            self.add_error(
                field, _("The clocks change that day and skip that time; choose another.")
            )
        return local


class PersonForm(CentrePhoneForm):
    """Someone known by name and phone: registered by a host, or a walk-in at the door."""

    name = forms.CharField(label=_("Name"), max_length=200)
    phone = _phone_field(_("Phone"))

    def person(self) -> dict:
        """Who, as the registration services take it: `name` and `phone`."""
        return {"name": self.cleaned_data["name"], "phone": self.cleaned_data["phone"]}


class RegistrationForm(PersonForm):
    """Registering oneself for an event. Demographics are optional and need consent."""

    DEMOGRAPHICS = ("gender", "age_band", "disability", "organization_type")

    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language for messages"), choices=settings.LANGUAGES, required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Anything we should arrange for you? (optional)"),
        help_text=_("For example step-free access, a sign language interpreter, large print."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the answers below are kept for the centre's reports."),
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=NO_ANSWER + Gender.choices, required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=NO_ANSWER + AgeBand.choices, required=False
    )
    disability = forms.ChoiceField(
        label=_("Do you have a disability?"),
        choices=NO_ANSWER + Disability.choices,
        required=False,
    )
    organization_type = forms.ChoiceField(
        label=_("What kind of organization are you from?"),
        choices=NO_ANSWER + ORGANIZATION_TYPES,
        required=False,
    )

    def __init__(self, *args, space: Space, language: str = "", **kwargs):
        super().__init__(*args, space=space, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["name"].label = _("Your name")
        self.fields["phone"].label = _("Your phone")
        self.fields["language"].initial = language

    def clean(self):
        data = super().clean()
        answered = any(data.get(field) for field in self.DEMOGRAPHICS)
        if answered and not data.get("consent"):
            self.add_error(
                "consent",
                _("These answers are kept only with your consent; tick the consent box."),
            )
        return data

    def demographics(self) -> Demographics:
        data = self.cleaned_data
        return Demographics(
            gender=data["gender"],
            age_band=data["age_band"],
            disability=data["disability"],
            consent=data["consent"],
        )


class CheckInForm(CentrePhoneForm):
    """Checking in at the door by phone: with the person's check-in code, unless a host of
    the centre is the one asking."""

    phone = _phone_field(_("Your phone"))
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The six digits on your registration page."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, space: Space, by_host: bool = False, **kwargs):
        super().__init__(*args, space=space, **kwargs)
        if by_host:
            del self.fields["code"]
            self.fields["phone"].label = _("Phone")


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled? Registered people are told."),
        max_length=300,
        error_messages={"required": _("Say why the event is cancelled.")},
    )
