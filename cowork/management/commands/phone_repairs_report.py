"""List what the phone repair (migration 0013_phone_repairs) changed and what it could not
tell, each with its reason, so that a network admin can check the listed people by hand."""

from django.core.management.base import BaseCommand

from cowork.models import Member, Participant, PhoneRepair


class Command(BaseCommand):
    help = (
        "List the phone numbers the repair migration changed, and those it could not tell "
        "and left as they were, with the reason for each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--outcome",
            choices=PhoneRepair.Outcome.values,
            help="Only the repaired, or only the listed (left for a person to check).",
        )

    def handle(self, *args, outcome=None, **options):
        rows = PhoneRepair.objects.all()
        if outcome:
            rows = rows.filter(outcome=outcome)
        names = _names(rows)
        counts = dict.fromkeys(PhoneRepair.Outcome.values, 0)
        for row in rows:
            counts[row.outcome] += 1
            name = names.get((row.kind, row.row_id), "(gone)")
            change = (
                f"{row.old_phone} -> {row.new_phone}"
                if row.outcome == PhoneRepair.Outcome.REPAIRED
                else f"{row.old_phone} left as it is"
            )
            self.stdout.write(
                f"{row.outcome:8}  {row.kind} #{row.row_id} {name}: {change}  "
                f"[{row.reason}] {row.detail}"
            )
        self.stdout.write(
            f"{counts['repaired']} repaired, {counts['listed']} listed to check by hand."
        )


def _names(rows) -> dict[tuple[str, int], str]:
    """The people's names as they are now, by (kind, id)."""
    wanted = {kind: set() for kind in PhoneRepair.Kind.values}
    for row in rows:
        wanted[row.kind].add(row.row_id)
    names = {
        ("participant", pk): name
        for pk, name in Participant.objects.filter(pk__in=wanted["participant"]).values_list(
            "pk", "name"
        )
    }
    for member in Member.objects.filter(pk__in=wanted["member"]).select_related("user"):
        names[("member", member.pk)] = str(member)
    return names
