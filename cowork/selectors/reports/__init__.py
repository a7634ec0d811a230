"""Reports of the network's events and centres, for network admins, hosts and donors.

- `scope`: who may report on which centres and tags, and what a donor sees;
- `suppression`: small cells hidden, and the attendee breakdowns they guard; `grid`: hidden
  down the columns too; `rounding`: a donor's counts of people at multiples of 5;
- `collection`: the queries (events, attendance, opening hours, bookings, check-ins);
- `figures` and `report`: what a report holds and `event_report`, which puts it together;
- `sentences`: one sentence per event, for donors to paste;
- `usage`: the use of the space (bookings against check-ins, busiest hours, equipment).
"""

# Imported by the navigation context processor, which decides whether to link to reports.
from cowork.selectors.reports.scope import user_has_donor_access

__all__ = ["user_has_donor_access"]
