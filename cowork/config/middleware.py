"""Middleware of our own: a request id for every request, probes that skip the front door,
a 413 for bodies too large to read, and personal pages that no cache keeps."""

import re
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from cowork.api.errors import error_response
from cowork.config import logging as cowork_logging
from cowork.web.language import saved_language

# nginx sends its $request_id (32 hex digits); other proxies send a UUID. Anything else a
# client could have forged into the log stays out: the id is written into every log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
REQUEST_ID_HEADER = "X-Request-ID"
# Where cowork.config.urls mounts the API, whose answers are all JSON in one error shape.
API_PREFIX = "/api/"


def _request_id_for(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Take X-Request-ID from nginx if it is well-formed, else make one; log and return it.

    The id is set in a context variable for the request, so every log record made while
    serving it carries the id (`cowork.config.logging.RequestIdFilter`), and it goes back in
    the response header for a person reporting a problem to quote. Place it first.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        request.id = _request_id_for(request)
        cowork_logging.request_id.set(request.id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response

    async def __acall__(self, request):
        request.id = _request_id_for(request)
        cowork_logging.request_id.set(request.id)
        response = await self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response


def _forget_request_id(**kwargs):
    cowork_logging.request_id.set(None)


# The id is not reset when the middleware returns: Django logs the response ("Not Found:
# ...", "Internal Server Error: ...") after the whole chain, and that line belongs to the
# request too. It is cleared when the response is closed, so a WSGI thread serving the next
# request, or logging in between, never carries a stale id; under ASGI each request runs
# in a context of its own anyway.
request_finished.connect(_forget_request_id, dispatch_uid="cowork.forget_request_id")


class ProbeMiddleware:
    """Answer /healthz, /readyz and /metrics before host validation and the HTTPS redirect.

    Probes address a process by its own name and port over plain HTTP (`web1:8000`,
    `127.0.0.1:8001`), which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would refuse. These views
    build no URL from the Host header and set no cookie, so skipping both is safe. Place it
    near the top, after RequestIdMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from cowork.config import health

        view = health.PROBES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        return view(request)


def _upload_limit(path: str) -> int:
    """The larger body the view at `path` accepts, if it takes uploads; else 0."""
    try:
        match = resolve(path)
    except Resolver404:
        return 0
    return getattr(match.func, "upload_max_bytes", 0)


class BodyTooLargeMiddleware(MiddlewareMixin):
    """Answer a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads it.

    Django raises RequestDataTooBig when the body is read: inside the API that was a 500,
    and on a page the CSRF check's read made it a 400 with an error logged. The limit is
    checked on Content-Length, as Django checks it. The API answers in its error shape,
    pages in plain text. Place it before CsrfViewMiddleware, after LocaleMiddleware so the
    text is in the reader's language.
    """

    def process_request(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or ""
        # A mangled length is left to whoever reads the body (Django, the webhooks' check).
        if limit is None or not (length.isascii() and length.isdigit()) or int(length) <= limit:
            return None
        if int(length) <= _upload_limit(request.path_info):
            return None  # a page that takes a photo (cowork.web.media.accepts_upload)
        message = _("The request is too large.")
        if request.path_info.startswith(API_PREFIX):
            return error_response(413, "too_large", message, {"max_bytes": limit})
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class MemberLanguageMiddleware:
    """Pages in the signed-in person's saved language (their profile), not the browser's.

    A host whose profile says Ukrainian reads Ukrainian on a borrowed English browser. A
    language chosen in the switcher (its cookie) still wins; LocaleMiddleware has already
    applied it. Place it right after AuthenticationMiddleware: LocaleMiddleware, before it,
    cannot know who is signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = saved_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _made_for_someone(request) -> bool:
    """Was this response made for one person: a signed-in one, a session holding something
    (a sign-in by SMS under way), or a request carrying credentials (an API key)?"""
    if "Authorization" in request.headers:
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and not session.is_empty()


class PersonalPagesNotStoredMiddleware:
    """`Cache-Control: private, no-store` on every response made for someone in particular.

    Such a page may show names, phone numbers and bookings: no shared cache may keep it, nor
    the browser's disk, where the next person at a centre's computer would find it. One rule
    here rather than a decorator on every personal view, so a new page cannot forget it. A
    view that sets Cache-Control itself has decided (the calendar feeds revalidate by ETag);
    pages for anonymous visitors keep their caching. Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _made_for_someone(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


# Whitespace inside these elements is content (or code): it is kept as it is.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_INDENTS = re.compile(r"\n\s+")
_SPACES = re.compile(r"[ \t]{2,}")


def collapse_whitespace(html: str) -> str:
    """The page with its templates' indentation and blank lines gone, rendering the same.

    In HTML's normal flow a run of whitespace shows as one space, so a run that holds a
    line break becomes one line break and a run of spaces one space; line breaks are kept,
    so nothing joins two words. pre, textarea, script and style are left untouched.
    """
    parts = _VERBATIM.split(html)
    out = []
    # split() with two groups yields: text, whole verbatim element, its tag name, text, ...
    for index in range(0, len(parts), 3):
        out.append(_SPACES.sub(" ", _INDENTS.sub("\n", parts[index])))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


class CollapseWhitespaceMiddleware:
    """Drop the indentation and blank lines templates leave in pages: 5–10 % fewer bytes
    on the wire even after gzip, on data people pay for. Place it inside GZipMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            # A page kept by cowork.config.page_cache was collapsed when it was kept.
            and not getattr(response, "whitespace_collapsed", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
        ):
            charset = response.charset or "utf-8"
            response.content = collapse_whitespace(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
