"""Forms of the centre-management pages. They check the shape of the input; the services
check the rules, and their refusals are shown on the same forms."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from cowork import dates
from cowork.models import Organization, Resource, Space, SpaceRole
from cowork.models.spaces import BOOKING_RULE_FIELDS, WEEKDAYS
from cowork.models.spaces import DETAIL_FIELDS as SPACE_DETAIL_FIELDS
from cowork.phones import mobile_hint, phone_for_centre

DETAIL_FIELDS = list(SPACE_DETAIL_FIELDS)
RULE_FIELDS = list(BOOKING_RULE_FIELDS)
SMS_FIELDS = ["sms_sender_id", "sms_quiet_from", "sms_quiet_until", "phone_countries"]
# The periods a weekday may have on the hours page; more is rare enough for a second save.
PERIODS_PER_DAY = 3


class LanguagesMixin(forms.Form):
    """The centre's languages as ticks, and which of them its messages go out in."""

    spoken = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    message_language = forms.ChoiceField(
        label=_("Language of its messages"), choices=settings.LANGUAGES
    )

    def languages(self) -> list[str]:
        first = self.cleaned_data["message_language"]
        return [first, *(code for code in self.cleaned_data["spoken"] if code != first)]


# How each translated field is labelled, per language: "Description in Українська".
TRANSLATION_LABELS = {
    "name": _("Name in %(language)s"),
    "description": _("Description in %(language)s"),
    "directions": _("How to get there in %(language)s"),
}


class TranslationsMixin(forms.Form):
    """The object's names and texts (its model's `translated_fields`) in each other language
    of the site, kept in its `translations`: readers of that language see them on pages, in
    SMS and in calendar files, and the original where a language has none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translations = getattr(self.instance, "translations", None) or {}
        model = self._meta.model
        self.translation_groups = []
        for code, _name in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            info = get_language_info(code)
            names = []
            for field in model.translated_fields:
                original = model._meta.get_field(field)
                key = f"{field}_{code}"
                self.fields[key] = forms.CharField(
                    label=TRANSLATION_LABELS[field] % {"language": info["name_local"]},
                    max_length=getattr(original, "max_length", None) or 2000,
                    required=False,
                    initial=(translations.get(code) or {}).get(field, ""),
                    widget=forms.TextInput
                    if isinstance(original.formfield().widget, forms.TextInput)
                    else forms.Textarea(attrs={"rows": 2}),
                )
                names.append(key)
            self.translation_groups.append((code, info["name_local"], names))

    def main_fields(self) -> list:
        """The form's own fields, without the translations (shown grouped by language)."""
        grouped = {name for _code, _label, names in self.translation_groups for name in names}
        return [self[name] for name in self.fields if name not in grouped]

    def translated(self) -> list[tuple[str, str, list, bool]]:
        """(language code, its name, its bound fields, whether any is filled in or wrong)
        for the page, which folds a language away until it is opened or has something."""
        groups = []
        for code, label, names in self.translation_groups:
            fields = [self[name] for name in names]
            groups.append((code, label, fields, any(f.value() or f.errors for f in fields)))
        return groups

    def translations(self) -> dict:
        kept = dict(getattr(self.instance, "translations", None) or {})
        for code, _label, names in self.translation_groups:
            texts = dict(kept.get(code, {}))
            for key in names:
                field = key.removesuffix(f"_{code}")
                texts[field] = (self.cleaned_data.pop(key, None) or "").strip()
            texts = {field: text for field, text in texts.items() if text}
            if texts:
                kept[code] = texts
            else:
                kept.pop(code, None)
        return kept


class DetailsForm(TranslationsMixin, LanguagesMixin, forms.ModelForm):
    class Meta:
        model = Space
        fields = DETAIL_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "directions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, instance: Space, **kwargs):
        initial = {"spoken": instance.languages, "message_language": instance.default_language}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)

    def changes(self) -> dict:
        return {
            **{name: self.cleaned_data[name] for name in DETAIL_FIELDS},
            "languages": self.languages(),
            "translations": self.translations(),
        }


def _zone_choices() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class CentreCreateForm(LanguagesMixin, forms.ModelForm):
    """A new centre: who runs it, where it is, and the time its hours are read in."""

    organization = forms.ModelChoiceField(
        label=_("Partner NGO"), queryset=Organization.objects.order_by("name")
    )

    class Meta:
        model = Space
        fields = [
            "organization",
            "name",
            "slug",
            "city",
            "region",
            "country",
            "address",
            "time_zone",
            "safety_capacity",
            "currency",
        ]
        help_texts = {
            "slug": _(
                "The centre's address on this site: letters, digits, hyphens. Empty: from the name."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["time_zone"].widget = forms.Select(choices=[(z, z) for z in _zone_choices()])

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            data["slug"] = slugify(data["name"])[:80]
            if not data["slug"]:
                self.add_error("slug", _("Give the centre's address in Latin letters."))
        return data

    def changes(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields.pop("organization")
        return {**fields, "languages": self.languages()}


class RulesForm(forms.ModelForm):
    class Meta:
        model = Space
        fields = RULE_FIELDS

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}


class SmsForm(forms.ModelForm):
    reminders = forms.CharField(
        label=_("SMS reminders (minutes before)"),
        required=False,
        help_text=_("Up to four, separated by commas, e.g. 1440, 60. Empty: no reminders."),
    )

    class Meta:
        model = Space
        fields = SMS_FIELDS
        widgets = {
            "sms_quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "sms_quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, instance: Space, **kwargs):
        initial = {"reminders": ", ".join(str(m) for m in instance.sms_reminders)}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)

    def clean_reminders(self) -> list[int]:
        text = self.cleaned_data["reminders"]
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("Give whole numbers of minutes.")) from error

    def changes(self) -> dict:
        return {
            **{name: self.cleaned_data[name] for name in SMS_FIELDS},
            "sms_reminders": self.cleaned_data["reminders"],
        }


class HoursForm(forms.Form):
    """Seven weekdays, each with up to PERIODS_PER_DAY pairs of times; an empty pair is none."""

    def __init__(self, *args, periods=(), **kwargs):
        initial = {}
        by_day: dict[int, list] = {}
        for period in periods:
            by_day.setdefault(period.weekday, []).append(period)
        for weekday, day in by_day.items():
            for index, period in enumerate(sorted(day, key=lambda p: p.opens)[:PERIODS_PER_DAY]):
                initial[f"d{weekday}_{index}_opens"] = period.opens
                initial[f"d{weekday}_{index}_closes"] = period.closes
        super().__init__(*args, initial=initial, **kwargs)
        self.days = []
        for weekday, label in WEEKDAYS:
            rows = []
            for index in range(PERIODS_PER_DAY):
                pair = []
                for end, end_label in (("opens", _("opens")), ("closes", _("closes"))):
                    name = f"d{weekday}_{index}_{end}"
                    self.fields[name] = forms.TimeField(
                        label=f"{label} {index + 1}: {end_label}",
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
                    pair.append(self[name])
                rows.append(pair)
            self.days.append((weekday, label, rows))

    def clean(self):
        data = super().clean()
        self.periods = []
        for weekday, _label in WEEKDAYS:
            for index in range(PERIODS_PER_DAY):
                opens = data.get(f"d{weekday}_{index}_opens")
                closes = data.get(f"d{weekday}_{index}_closes")
                if (opens is None) != (closes is None):
                    self.add_error(
                        f"d{weekday}_{index}_closes"
                        if closes is None
                        else f"d{weekday}_{index}_opens",
                        _("Give both times, or neither."),
                    )
                elif opens is not None:
                    self.periods.append((weekday, opens, closes))
        return data


class ClosureForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        help_text=_("Empty: one day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    yearly = forms.BooleanField(label=_("Every year"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and not data.get("ends_on"):
            data["ends_on"] = data["starts_on"]
        if data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data


class HolidaysForm(forms.Form):
    """The country's public holidays as ticks; each ticked one closes the centre that day."""

    def __init__(self, *args, offered: list[tuple[datetime.date, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {day.isoformat(): (day, name) for day, name in offered}
        self.fields["days"] = forms.MultipleChoiceField(
            label=_("Public holidays"),
            # "Tue, Sep 1, 2026 — Independence Day", "вт, 1 сент. 2026 г. — …": a host reads
            # the weekday and the date in their language (the value stays ISO).
            choices=[
                (key, f"{dates.day(day, 'yMMMEd')} — {name}")
                for key, (day, name) in self.offered.items()
            ],
            widget=forms.CheckboxSelectMultiple,
        )

    def chosen(self) -> list[tuple[datetime.date, str]]:
        return [self.offered[key] for key in self.cleaned_data["days"]]


class ResourceForm(TranslationsMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "kind",
            "name",
            "description",
            "capacity",
            "equipment_type",
            "equipment",
            "attributes",
            "bookable_alone",
            "accessible",
            "needs_approval",
            "price_per_hour",
            "min_booking_minutes",
            "max_booking_minutes",
            "max_days_ahead",
            "buffer_minutes",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kind"]  # a desk does not become a room: retire it, add a room

    def changes(self) -> dict:
        translations = self.translations()
        return {**self.cleaned_data, "translations": translations}


class DesksForm(forms.Form):
    count = forms.IntegerField(label=_("How many desks"), min_value=1, max_value=100, initial=10)
    prefix = forms.CharField(label=_("Names start with"), max_length=100, initial=_("Desk"))

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        # The start of the names in each other language the centre speaks ("Stol" in Uzbek).
        self.languages = [code for code in space.languages if code != settings.LANGUAGE_CODE]
        for code in self.languages:
            self.fields[f"prefix_{code}"] = forms.CharField(
                label=_("Names start with (%(language)s)")
                % {"language": get_language_info(code)["name_local"]},
                max_length=100,
                required=False,
            )

    def changes(self) -> dict:
        data = self.cleaned_data
        prefixes = {code: data[f"prefix_{code}"] for code in self.languages}
        return {"count": data["count"], "prefix": data["prefix"], "prefixes": prefixes}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of the centre"),
        help_text=_(
            "A JPEG, PNG or WebP picture of up to 10 MB, e.g. the entrance. Visitors get a "
            "small copy of it, about 30 KB."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Why out of service"), max_length=200)
    cancel_bookings = forms.BooleanField(required=False)


class RoleForm(forms.Form):
    """Who gets a role: an account's phone or username, or a phone to invite by SMS."""

    who = forms.CharField(label=_("Phone or username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.Role.choices)

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["who"].help_text = " ".join(
            (
                str(_("A phone without an account gets an invitation by SMS.")),
                mobile_hint(space.country),
            )
        )

    def phone_to_invite(self) -> str:
        """What was typed, as a phone the centre may text (E.164, read in its country), or
        a ValidationError saying why not: a username nobody has is no one to invite."""
        text = self.cleaned_data["who"].strip()
        if any(character.isalpha() for character in text):
            raise forms.ValidationError(
                _("No account has this username. To invite someone, enter their phone."),
                code="unknown_username",
            )
        return phone_for_centre(text, space=self.space)


def plan_form(space: Space, resources: list[Resource], data=None) -> forms.Form:
    """A pair of numbers per resource (its place on the plan) and whether it is on it."""
    form = forms.Form(data)
    for resource in resources:
        form.fields[f"on_{resource.pk}"] = forms.BooleanField(
            label=_("On the plan"), required=False, initial=resource.on_plan
        )
        for axis, most in (("x", space.floor_plan_width), ("y", space.floor_plan_height)):
            form.fields[f"{axis}_{resource.pk}"] = forms.IntegerField(
                label=axis,
                min_value=0,
                max_value=most,
                required=False,
                initial=getattr(resource, f"plan_{axis}"),
            )
    return form
