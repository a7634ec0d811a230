"""The Telegram channel: a bot, linked per person by a deep link, answering on a webhook.

Sends go through the Bot API with python-telegram-bot (`backends.py`); the webhook checks
Telegram's secret-token header (`webhook.py`); commands and inline buttons act through the
same replies as SMS (`updates.py`, `buttons.py`); deep-link keys are in `links.py`.
"""
