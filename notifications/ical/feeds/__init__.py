"""Reads for calendars, one module per family of feeds: `bookings` (a room's busy blocks,
one booking), `events` (a centre's programme, one event), `members` (a member's private
feed, a place at an event); `common` holds the window and the version every feed shares."""

# The benchmarks build these two feeds through the package.
from notifications.ical.feeds.events import programme_items
from notifications.ical.feeds.members import member_feed_items

__all__ = ["member_feed_items", "programme_items"]
