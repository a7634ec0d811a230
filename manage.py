#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import atexit
import gc
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")
    from django.core.management import execute_from_command_line

    # As the ASGI module does (cowork/config/asgi.py): the memory goes with the process,
    # so the interpreter's collections on the way out would only walk every object again.
    atexit.register(gc.freeze)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
