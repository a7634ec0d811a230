#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import gc
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cowork.config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    finally:
        # The process ends here and its memory goes with it: the interpreter's collections
        # on the way out would only walk every object of Django and cowork again (about
        # half a second of CPU per command).
        gc.freeze()


if __name__ == "__main__":
    main()
