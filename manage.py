#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import atexit
import gc
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")
    from django.core.management import ManagementUtility

    class CommandLine(ManagementUtility):
        def fetch_command(self, subcommand):
            # Django and cowork are loaded and the command found: set aside what loading made
            # and collect as usual while the command runs.
            command = super().fetch_command(subcommand)
            gc.freeze()
            gc.enable()
            return command

    # Loading Django and cowork makes some 200,000 objects that live as long as the process,
    # and almost no garbage (a few thousand objects in cycles, left frozen): the collector's
    # passes while they load were a fifth of a command's start. They are frozen after it, so
    # the command's own full collections do not walk them either.
    gc.disable()
    # As the ASGI module does (cowork/config/asgi.py): the memory goes with the process,
    # so the interpreter's collections on the way out would only walk every object again.
    atexit.register(gc.freeze)
    CommandLine(sys.argv).execute()


if __name__ == "__main__":
    main()
