"""Account tests share their fixtures with each other."""

from tests.sms_fixtures import desk, relay_now, sms_member, sms_space

__all__ = ["desk", "relay_now", "sms_member", "sms_space"]
