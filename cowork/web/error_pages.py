"""The page a refused form gets: Django's own is in English and speaks of CSRF tokens."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form sent without its token (expired page, cookies off): say so and change nothing."""
    return render(request, "403_csrf.html", status=403)
