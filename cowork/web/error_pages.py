"""Error pages in the visitor's language, with ways back; and never an error of their own.

400, 403 and 404 are the site's own pages (base.html, the menu, the language); should one
of them fail to render (a missing static file, a broken header), a plain page says the same
thing instead. The 500 page is plain from the start: it needs no request and no database.
"""

import logging

from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _page(request, template: str, status: int, context=None):
    try:
        return render(request, template, context or {}, status=status)
    except Exception:  # an error page must not become a 500 of its own
        logger.exception("The %s page could not be rendered; a plain one was sent", status)
        return render(request, "error_plain.html", {"status": status}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    reason = str(exception) if exception is not None else ""
    return _page(request, "403.html", 403, {"exception": reason})


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason: str = ""):
    """A form sent without its token (expired page, cookies off): say so and change nothing."""
    return _page(request, "403_csrf.html", 403)
