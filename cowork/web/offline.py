"""The installable web app: its manifest, its service worker, and which pages it keeps.

The worker (`cowork/templates/cowork/offline/sw.js`) keeps a copy of a few pages so that a
person without a network can still read them: My bookings, a registration's personal page
(it carries the check-in) and a centre's page with its programme. A page is kept only when
its response says so (`X-Offline-Keep`, set by `keep_offline`), and never for someone who
works at a centre: hosts sign in on the centre's shared computers. Personal copies are
dropped whenever a form is sent (signing in or out in any of its ways among them), and
kept again at the next visit. Everything else goes to the network only.
"""

import functools
import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cowork.web.context_processors import works_at_a_centre

KEEP_HEADER = "X-Offline-Keep"
# The colours of cowork/static/cowork/site.css: --accent for the bar, --paper behind.
THEME_COLOUR = "#0b5cad"
BACKGROUND_COLOUR = "#ffffff"


def _made_for_someone(request) -> bool:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return bool(user is not None and user.is_authenticated) or (
        session is not None and not session.is_empty()
    )


def keep_offline(view=None, *, personal: bool = False):
    """Let the service worker keep the last good copy of this page for reading offline.

    `personal`: the page is someone's own whoever asks (a registration's page, opened by its
    key). A page made for a signed-in person is personal anyway: it names them. The page
    shows the hidden offline notice (`request.offline_keep`) that the worker reveals.
    """
    if view is None:
        return functools.partial(keep_offline, personal=personal)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        kept = not works_at_a_centre(request)[1]
        if kept:
            request.offline_keep = True
        response = view(request, *args, **kwargs)
        if kept and response.status_code == 200:
            kind = "personal" if personal or _made_for_someone(request) else "public"
            response[KEEP_HEADER] = kind
        return response

    return wrapper


@functools.cache
def static_version() -> str:
    """A digest of every static file's name, size and time: a new one after a deploy (or an
    edit) makes a new worker, which drops the static files it kept before."""
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            digest.update(f"{path}\0".encode())
            try:
                info = os.stat(storage.path(path))
            except (OSError, NotImplementedError):
                continue
            digest.update(f"{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request):
    """/sw.js, at the root so that its scope is the whole site."""
    response = render(
        request,
        "cowork/offline/sw.js",
        {
            "version": static_version(),
            "static_url": settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else "/" + settings.STATIC_URL,
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check the worker on every visit; no cache may hold an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest (a centre's visitors can add cowork to their home screen)."""
    data = {
        "name": "cowork",
        "short_name": "cowork",
        "description": _("cowork — desks, rooms and events for community centres."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("cowork/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("cowork/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("cowork/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response
