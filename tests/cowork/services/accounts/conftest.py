"""Account tests share their fixtures with each other."""

from tests.cowork.accounts_fixtures import desk, relay_now, sms_member, sms_space

__all__ = ["desk", "relay_now", "sms_member", "sms_space"]
