"""No two active bookings of one resource overlap: an exclusion constraint on PostgreSQL.

SQLite has no exclusion constraints; there the booking write path is serialized by
IMMEDIATE transactions and checks overlap itself (cowork.services.booking).
"""

from django.db import migrations

ACTIVE = "('pending', 'confirmed', 'checked_in')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE cowork_booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
    WHERE (status IN {ACTIVE});
"""

DROP = "ALTER TABLE cowork_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cowork", "0002_bookings")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
