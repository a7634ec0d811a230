"""Repair the phone numbers that the former network default read as Azerbaijani.

Until this release a number typed without its country code anywhere but the event pages
(and there, before they read it in the centre's country) was read as Azerbaijani
(PHONE_DEFAULT_REGION, "AZ"): "050 777 88 99" typed for Kramatorsk was stored as
+994507778899. Where the data tells us so, this migration puts such numbers right; where
it cannot, it changes nothing and lists the person. Every decision is kept in
`PhoneRepair` and shown by `manage.py phone_repairs_report`.

The rule. A participant's or member's number is changed only when all of these hold:

1. It is stored as +994… (the former default's country code).
2. The person dealt with at least one centre, and every centre they dealt with (a
   participant's registrations and attendances; a member's bookings, the centres they host
   or staff, and their participant's registrations) is in one country C other than
   Azerbaijan. Centres of several countries: listed (`several_countries`). Only Azerbaijani
   centres, or none: the number is taken as right and not listed.
3. None of those centres accepts Azerbaijani numbers (`Space.phone_countries`): a centre
   that does may have a visitor from Azerbaijan with their own number. Listed
   (`centre_accepts_az`).
4. The national digits, read in C as they were typed (with the trunk 0 the Azerbaijani
   reading removed put back, and without it), give exactly one number that is valid in C,
   of a kind that takes SMS, and that every one of those centres accepts. None: listed
   (`no_reading`); more than one: listed (`ambiguous_reading`). Whether +994… is also a
   valid Azerbaijani mobile does not matter once 2 and 3 hold: the centres would refuse it
   today, and it is recorded in the detail.
5. The new number is nobody else's: no other participant or member holds it (apart from
   the person's own linked member or participant), and no other row would become it.
   Otherwise both are listed (`number_taken`, `would_merge`): the repair never makes two
   people one.

Messages already queued or sent keep the number they were made for; SMS opt-outs and
sign-in records are not touched.

Reversible: going back puts the old number back on each repaired row that still holds the
new one (unless someone else has taken the old number since), then drops the table.
"""

import phonenumbers
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone
from phonenumbers import PhoneNumberFormat, PhoneNumberType

FORMER_DEFAULT_REGION = "AZ"
FORMER_PREFIX = "+994"
SMS_CAPABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _centres(apps, kind, row):
    Space = apps.get_model("cowork", "Space")
    if kind == "participant":
        where = Q(events__registrations__participant=row) | Q(
            events__sessions__attendances__participant=row
        )
        if row.member_id is not None:
            where |= _member_centres(row.member)
    else:
        where = _member_centres(row)
    return list(Space.objects.filter(where).distinct())


def _member_centres(member):
    return (
        Q(bookings__booked_by=member.user_id)
        | Q(roles__user=member.user_id)
        | Q(events__registrations__participant__member=member)
        | Q(events__sessions__attendances__participant__member=member)
    )


def _readings(digits: str, country: str, centres) -> set[str]:
    """Numbers of `country` that `digits` (typed without a country code) may have meant."""
    found = set()
    for typed in ("0" + digits, digits):
        try:
            number = phonenumbers.parse(typed, country)
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.region_code_for_number(number) == country
            and phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) in SMS_CAPABLE_TYPES
            and all(country in (list(c.phone_countries) or [c.country]) for c in centres)
        ):
            found.add(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return found


def _decide(phone: str, centres) -> dict:
    """The decision for one stored +994… number and the centres its person dealt with: a
    dict with outcome (repaired, listed, or None: right as it is), reason, detail, and the
    new phone and the country."""
    countries = sorted({centre.country for centre in centres})
    if not countries or countries == [FORMER_DEFAULT_REGION]:
        return {"outcome": None}
    if len(countries) > 1:
        return _listed(
            "several_countries",
            f"its centres are in several countries ({', '.join(countries)}); "
            "the number may be right",
        )
    (country,) = countries
    welcoming = [c.name for c in centres if FORMER_DEFAULT_REGION in list(c.phone_countries)]
    if welcoming:
        return _listed(
            "centre_accepts_az",
            f"{', '.join(sorted(welcoming))} accepts Azerbaijani numbers; the number may be right",
            country=country,
        )
    digits = phone[len(FORMER_PREFIX) :]
    readings = sorted(_readings(digits, country, centres))
    if not readings:
        return _listed(
            "no_reading",
            f"its digits read in {country} are no number there that takes SMS",
            country=country,
        )
    if len(readings) > 1:
        return _listed(
            "ambiguous_reading",
            f"its digits read in {country} may be {' or '.join(readings)}",
            country=country,
        )
    az = phonenumbers.parse(phone)
    also = (
        "also a valid Azerbaijani mobile number"
        if phonenumbers.is_valid_number(az) and phonenumbers.number_type(az) in SMS_CAPABLE_TYPES
        else "not a valid Azerbaijani mobile number"
    )
    return {
        "outcome": "repaired",
        "reason": "read_in_centre_country",
        "detail": (
            f"every centre it dealt with is in {country} and refuses Azerbaijani numbers; "
            f"its digits read in {country} are a number there that takes SMS "
            f"({phone} is {also})"
        ),
        "new_phone": readings[0],
        "country": country,
    }


def _listed(reason, detail, *, country=""):
    return {"outcome": "listed", "reason": reason, "detail": detail, "country": country}


def _holders(apps, phone) -> set[tuple[str, int]]:
    Participant = apps.get_model("cowork", "Participant")
    Member = apps.get_model("cowork", "Member")
    return {
        ("participant", pk)
        for pk in Participant.objects.filter(phone=phone).values_list("pk", flat=True)
    } | {("member", pk) for pk in Member.objects.filter(phone=phone).values_list("pk", flat=True)}


def _same_person(apps, kind, row) -> set[tuple[str, int]]:
    """The row and its linked counterpart (a participant's member, a member's participant)."""
    Participant = apps.get_model("cowork", "Participant")
    own = {(kind, row.pk)}
    if kind == "participant" and row.member_id is not None:
        own.add(("member", row.member_id))
    if kind == "member":
        own |= {
            ("participant", pk)
            for pk in Participant.objects.filter(member=row).values_list("pk", flat=True)
        }
    return own


def repair(apps, schema_editor):
    Participant = apps.get_model("cowork", "Participant")
    Member = apps.get_model("cowork", "Member")
    PhoneRepair = apps.get_model("cowork", "PhoneRepair")
    now = timezone.now()
    decisions = []
    for kind, model in (("participant", Participant), ("member", Member)):
        for row in model.objects.filter(phone__startswith=FORMER_PREFIX).order_by("pk"):
            decision = _decide(row.phone, _centres(apps, kind, row))
            if decision["outcome"] is not None:
                decisions.append((kind, row, decision))
    # Who would become each new number: two people who are not one must not share it.
    becoming: dict[str, set[tuple[str, int]]] = {}
    for kind, row, decision in decisions:
        if decision["outcome"] == "repaired":
            becoming.setdefault(decision["new_phone"], set()).add((kind, row.pk))
    for kind, row, decision in decisions:
        new_phone = decision.get("new_phone", "")
        if decision["outcome"] == "repaired":
            own = _same_person(apps, kind, row)
            taken = _holders(apps, new_phone) - own
            others = becoming[new_phone] - own
            if taken or others:
                who = ", ".join(f"{k} #{pk}" for k, pk in sorted(taken | others))
                decision = _listed(
                    "number_taken" if taken else "would_merge",
                    f"{new_phone} {'is already' if taken else 'would also become'} the "
                    f"number of {who}; repairing would make two people one",
                    country=decision["country"],
                )
            else:
                type(row).objects.filter(pk=row.pk).update(phone=new_phone)
        PhoneRepair.objects.create(
            kind=kind,
            row_id=row.pk,
            outcome=decision["outcome"],
            reason=decision["reason"],
            detail=decision["detail"],
            old_phone=row.phone,
            new_phone=new_phone,
            country=decision.get("country", ""),
            recorded_at=now,
        )


def undo(apps, schema_editor):
    PhoneRepair = apps.get_model("cowork", "PhoneRepair")
    models_by_kind = {
        "participant": apps.get_model("cowork", "Participant"),
        "member": apps.get_model("cowork", "Member"),
    }
    for repaired in PhoneRepair.objects.filter(outcome="repaired"):
        model = models_by_kind[repaired.kind]
        if model.objects.filter(phone=repaired.old_phone).exists():
            continue  # someone holds the old number now; the repaired one stays
        model.objects.filter(pk=repaired.row_id, phone=repaired.new_phone).update(
            phone=repaired.old_phone
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cowork", "0012_domain_event_kinds_listed"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhoneRepair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("participant", "Participant"), ("member", "Member")],
                        max_length=12,
                    ),
                ),
                ("row_id", models.BigIntegerField()),
                (
                    "outcome",
                    models.CharField(
                        choices=[("repaired", "Repaired"), ("listed", "Listed")], max_length=8
                    ),
                ),
                ("reason", models.CharField(max_length=40)),
                ("detail", models.TextField()),
                ("old_phone", models.CharField(max_length=16)),
                ("new_phone", models.CharField(blank=True, max_length=16)),
                ("country", models.CharField(blank=True, max_length=2)),
                ("recorded_at", models.DateTimeField(default=timezone.now)),
            ],
            options={"ordering": ["outcome", "kind", "row_id"]},
        ),
        migrations.RunPython(repair, undo),
    ]
