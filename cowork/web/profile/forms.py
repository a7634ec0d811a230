"""Forms of the profile pages. They parse what was typed; the services decide what is kept."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cowork.models.people import (
    REMINDER_CHOICES,
    WG_DOMAINS,
    AgeBand,
    Gender,
    WGAnswer,
)

NO_ANSWER = [("", _("— No answer —"))]
CENTRE_TIMES, MY_TIMES = "centre", "mine"

# The Washington Group Short Set's questions, in the Group's published wording, and why
# each is asked. The order and the words are the Group's: do not rephrase them.
WG_QUESTIONS = {
    "wg_seeing": _("Do you have difficulty seeing, even if wearing glasses?"),
    "wg_hearing": _("Do you have difficulty hearing, even if using a hearing aid?"),
    "wg_walking": _("Do you have difficulty walking or climbing steps?"),
    "wg_remembering": _("Do you have difficulty remembering or concentrating?"),
    "wg_self_care": _(
        "Do you have difficulty (with self-care such as) washing all over or dressing?"
    ),
    "wg_communicating": _(
        "Using your usual (customary) language, do you have difficulty communicating, "
        "for example understanding or being understood?"
    ),
}
WHY_ASKED = {
    "gender": _(
        "Asked so that the centres and their donors can see whether women and men are reached "
        "alike; only you and the network's admins see your answer, reports show counts."
    ),
    "age_band": _(
        "Asked so that the centres know which ages they reach and which they miss; only you "
        "and the network's admins see your answer, reports show counts."
    ),
    "disability": _(
        "Asked with the Washington Group's questions, by which donors count the people with "
        "disabilities a programme reaches; only you and the network's admins see your "
        "answers, reports show counts."
    ),
}


class ProfileForm(forms.Form):
    # The length is checked by the service, which says so in words.
    name = forms.CharField(
        label=_("Name"),
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_("Used when an SMS cannot reach you, and for calendar invitations."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class RemindersForm(forms.Form):
    booking_reminders = forms.BooleanField(label=_("Remind me of my bookings"), required=False)
    event_reminders = forms.BooleanField(
        label=_("Remind me of events I registered for"), required=False
    )
    timing = forms.ChoiceField(
        label=_("When"),
        choices=[
            (CENTRE_TIMES, _("At the centre's usual times")),
            (MY_TIMES, _("At the times I tick below")),
        ],
        widget=forms.RadioSelect,
    )
    minutes = forms.TypedMultipleChoiceField(
        label=_("My reminder times"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quiet_from = forms.TimeField(
        label=_("My quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, e.g. 22:00.")},
    )
    quiet_until = forms.TimeField(
        label=_("My quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, e.g. 07:00.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("timing") == MY_TIMES and not data.get("minutes"):
            self.add_error("minutes", _("Tick at least one time, or choose the centre's times."))
        return data

    @property
    def reminder_minutes(self) -> list[int] | None:
        data = self.cleaned_data
        return list(data["minutes"]) if data["timing"] == MY_TIMES else None


def _wg_field(question):
    return forms.ChoiceField(
        label=question, choices=WGAnswer.choices, required=False, widget=forms.RadioSelect
    )


class DemographicsForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree that these answers are kept to count the people the centres reach. "
            "I can withdraw at any time, and my answers are then deleted."
        ),
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=NO_ANSWER + list(Gender.choices), required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=NO_ANSWER + list(AgeBand.choices), required=False
    )
    wg_seeing = _wg_field(WG_QUESTIONS["wg_seeing"])
    wg_hearing = _wg_field(WG_QUESTIONS["wg_hearing"])
    wg_walking = _wg_field(WG_QUESTIONS["wg_walking"])
    wg_remembering = _wg_field(WG_QUESTIONS["wg_remembering"])
    wg_self_care = _wg_field(WG_QUESTIONS["wg_self_care"])
    wg_communicating = _wg_field(WG_QUESTIONS["wg_communicating"])

    def answers(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field in ("gender", "age_band", *WG_DOMAINS)}

    def wg_fields(self):
        return [self[field] for field in WG_DOMAINS]


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
