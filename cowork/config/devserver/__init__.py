"""The development server, `manage.py runserver`, without the `daphne` app (see its command)."""
