"""Walk-in visits counted beside check-ins, without counting a person twice.

A visit is a person at a centre on a local day: a check-in to a desk or room, or a walk-in.
A walk-in linked to a member (they gave their phone at the kiosk) who also checked in at the
same centre that day adds no visit and no person: the check-in counted them. Everyone else
a walk-in brings is one visit; as a person, they are known by their account, their
participant record or their phone's fingerprint, and an anonymous walk-in (a "+1 visitor"
tap) is one person each, since nothing tells two of them apart.

Shared by the live figures (`cowork.selectors.occupancy`) and the reports
(`cowork.selectors.reports.visits`).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from cowork.models import WalkIn

# (space id, local day, user id of the visitor or None, participant id or None, phone key)
WalkInRow = tuple[int, datetime.date, int | None, int | None, str]
WALK_IN_FIELDS = ("space_id", "day", "visitor_id", "participant_id", "phone_key")


@dataclass
class WalkInTally:
    visits: int = 0
    # People known by account ("u<id>", as check-ins are), participant ("p<id>") or phone
    # ("k<fingerprint>").
    known: set[str] = field(default_factory=set)
    anonymous: int = 0

    def people(self, checked_in_users: Iterable[int] = ()) -> int:
        """Different people: those who checked in, the known walk-ins, the anonymous ones."""
        return len(self.known | {f"u{user}" for user in checked_in_users}) + self.anonymous


def person_key(user_id: int | None, participant_id: int | None, phone_key: str) -> str | None:
    if user_id is not None:
        return f"u{user_id}"
    if participant_id is not None:
        return f"p{participant_id}"
    if phone_key:
        return f"k{phone_key}"
    return None


def tally_walk_ins(rows: Iterable[WalkInRow], check_ins: set[tuple]) -> WalkInTally:
    """Count walk-in `rows`; `check_ins` holds (space id, local day, user id) of the day's
    check-ins, whose people a linked walk-in does not count again."""
    tally = WalkInTally()
    for space_id, day, user_id, participant_id, phone_key in rows:
        if user_id is not None and (space_id, day, user_id) in check_ins:
            continue
        tally.visits += 1
        key = person_key(user_id, participant_id, phone_key)
        if key is None:
            tally.anonymous += 1
        else:
            tally.known.add(key)
    return tally


def walk_in_rows(*, space_ids, first: datetime.date, last: datetime.date) -> list[WalkInRow]:
    """The walk-ins of `space_ids` on local days [first, last], as `tally_walk_ins` reads them."""
    return list(
        WalkIn.objects.filter(space_id__in=space_ids, day__gte=first, day__lte=last)
        .order_by()
        .values_list(*WALK_IN_FIELDS)
    )
