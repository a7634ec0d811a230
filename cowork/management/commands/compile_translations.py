"""Compile every .po catalogue of the project to .mo, without GNU gettext.

Django's own `compilemessages` needs the `msgfmt` program, which a fresh machine with only
Python does not have; Babel reads and writes the same formats in pure Python.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogues to .mo files (no gettext needed)."

    def handle(self, *args, **options):
        catalogues = sorted(
            po for locale_dir in settings.LOCALE_PATHS for po in Path(locale_dir).rglob("*.po")
        )
        if not catalogues:
            raise CommandError(f"No .po files under {settings.LOCALE_PATHS}.")
        compiled = 0
        for po_path in catalogues:
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, abort_invalid=True)
            with mo_path.open("wb") as mo_file:
                # Fuzzy entries are guesses awaiting review; showing them would mislead.
                write_mo(mo_file, catalog, use_fuzzy=False)
            compiled += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"compiled {po_path}")
        self.stdout.write(
            f"Translations: {compiled} compiled, {len(catalogues) - compiled} up to date."
        )
