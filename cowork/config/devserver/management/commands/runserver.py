"""`manage.py runserver` as daphne's: the ASGI development server, websockets included.

daphne's own app provides the same command, but loading that app imports daphne's server,
and with it Twisted and its reactor, into every process Django starts in: a fifth of a
second of CPU each time, for a server only this command and daphne itself run. Here daphne
is imported only when the command is run.
"""

from daphne.management.commands.runserver import Command  # noqa: F401
