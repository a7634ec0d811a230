"""`{% sms_status space %}`: the centre's SMS this month, what each costs, and who did not
get theirs.

A tag, so the domain's host pages can show it by name without importing notifications.
"""

from django import template
from django.utils import timezone

from notifications.selectors import sms_status as read_sms_status

register = template.Library()


@register.inclusion_tag("notifications/_sms_status.html")
def sms_status(space):
    """The panel, in two queries (`notifications.selectors.sms_status`)."""
    status = read_sms_status(space=space, now=timezone.now())
    return {
        "space": space,
        "month": status.month,
        "unverified": status.unverified,
        "prices": status.prices,
        "problems": status.problems,
        "problem_count": status.problem_count,
    }
