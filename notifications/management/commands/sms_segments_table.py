"""Print the segments of every SMS template in every language, or write them into docs/sms.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.sms.segment_table import markdown_table

BEGIN, END = "<!-- segments: begin -->\n", "<!-- segments: end -->"


class Command(BaseCommand):
    help = "The segments of every SMS template × language × sender (docs/sms.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="Replace the table in docs/sms.md."
        )

    def handle(self, *args, write: bool, **options):
        table = markdown_table()
        if not write:
            self.stdout.write(table, ending="")
            return
        docs = Path(settings.BASE_DIR) / "docs" / "sms.md"
        text = docs.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            raise CommandError(f"{docs} has no {BEGIN.strip()} … {END} markers.")
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        docs.write_text(head + BEGIN + table + END + tail, encoding="utf-8")
        self.stdout.write(f"Wrote the table into {docs}.")
