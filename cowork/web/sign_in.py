"""What a person sees when password sign-in is locked after too many wrong passwords."""

import math

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out response (AXES_LOCKOUT_CALLABLE), on /login/ and /admin/login/.

    Every try while locked starts the cool-off again, so the lock ends a whole cool-off
    from now: that is the wait the page names.
    """
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
