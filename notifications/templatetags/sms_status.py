"""`{% sms_status space %}`: the centre's SMS this month, what each costs, and who did not
get theirs.

A tag, so the domain's host pages can show it by name without importing notifications.
"""

from django import template
from django.utils import timezone

from notifications.selectors import sms_month, sms_price_table, sms_problems, sms_unverified

register = template.Library()


@register.inclusion_tag("notifications/_sms_status.html")
def sms_status(space):
    now = timezone.now()
    problems, problem_count = sms_problems(space=space, now=now)
    return {
        "space": space,
        "month": sms_month(space=space, now=now),
        "unverified": sms_unverified(space=space, now=now),
        "prices": sms_price_table(space=space),
        "problems": problems,
        "problem_count": problem_count,
    }
