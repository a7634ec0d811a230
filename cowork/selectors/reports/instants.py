"""Instants a report reads by the ten thousand (bookings' starts, ends and check-ins), fetched
as whole microseconds since 1970 UTC and made datetimes in Python.

The database driver parses a timestamp's text for each value; a year of a network's
bookings is hundreds of thousands of them, and that parsing was a large share of a report's
time. An integer crosses unparsed, and `instant` gives the very datetime (UTC) back.
"""

import datetime

from django.db.models import BigIntegerField, Func

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class Microseconds(Func):
    """A datetime column as integer microseconds since 1970-01-01 UTC (None stays None)."""

    arity = 1
    output_field = BigIntegerField()

    @property
    def convert_value(self):
        # Both databases give an int already: no converter, so Django runs none per row.
        return self._convert_value_noop

    def as_postgresql(self, compiler, connection, **extra):
        # date_part gives a double, EXTRACT a numeric: for a year of bookings' four instants
        # the numeric arithmetic was a quarter of the query. Until 2106 (2^32 seconds since
        # 1970) the seconds, and their product by a million, are each rounded by less than a
        # quarter of a microsecond, and the cast rounds to the nearest whole one: the very
        # integer (the tests check the first and last microsecond of a second in 2105).
        return self.as_sql(
            compiler,
            connection,
            template="(date_part('epoch', %(expressions)s) * 1000000)::bigint",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: the whole seconds (of the text
        # before the point: strftime would round .9999995 up), then the digits after the
        # point (none: 0). "%%%%s" reaches SQLite as strftime's "%s".
        return self.as_sql(
            compiler,
            connection,
            template=(
                "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
                " + CAST(substr(%(expressions)s, 21, 6) AS INTEGER))"
            ),
            **extra,
        )


def instant(microseconds: int | None) -> datetime.datetime | None:
    """The UTC datetime of `Microseconds`' value."""
    if microseconds is None:
        return None
    return _EPOCH + datetime.timedelta(microseconds=microseconds)
