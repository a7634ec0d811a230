"""SMS backends; `settings.SMS_BACKEND` names one by dotted path."""
