"""Pages served again as rendered, until anything they may show is written.

Most page reads are the same page again: the home page, a centre, the events, in the same
language, for visitors who are not signed in, and a member's own pages as they move about.
A view marked `kept_page` (cowork.web.page_cache) is rendered once and its HTML kept in
this process, under:

- the page version (cowork.page_version), read before the view runs: every committed
  write to a table pages read moves it on, so a kept page never outlives a booking, an
  event, a registration or any other change;
- the minute: pages show "now" (who is in, what is open, what is upcoming) and every
  boundary they use falls on a whole minute, so a page is kept at most to the end of its
  minute;
- the language, the address asked for (host, path and query), and the session: a page
  made for a signed-in person is kept for that session alone; visitors without a session
  share one copy.

What is personal to a response is not kept: the CSRF token in its forms and the CSP nonce
of its scripts are cut out when a page is kept and each response gets its own; a page
that showed a one-off message, set a cookie or changed the session is not kept, and none
is served while a message waits. Only GETs answered 200 with HTML are kept. Place it after
MessageMiddleware: language, session and messages are known by then.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin

from cowork import page_version
from cowork.config.middleware import collapse_whitespace
from cowork.web.page_cache import KEPT

# Stand for the token and the nonce in a kept page; random, so no page's text can hold one.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"
NONCE_MARK = f"nonce-{secrets.token_hex(16)}"
# Headers made again for each response by the middleware around this one.
NOT_KEPT_HEADERS = {"content-length", "set-cookie"}
# A masked CSRF token: 64 letters and digits (django.middleware.csrf.CSRF_TOKEN_LENGTH).
_TOKEN = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}(?![A-Za-z0-9])")


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _key(request, version: int) -> str:
    # Read, not taken from the cookie: a session ended since (signed out, expired) is
    # nobody's, and the pages kept for it are never served to its old cookie.
    session = request.session
    who = session.session_key if session.keys() else ""
    parts = [
        str(version),
        str(int(timezone.now().timestamp() // 60)),
        request.LANGUAGE_CODE,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        who,
    ]
    return "page:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _cut_out(request, html: str) -> tuple[str, bool]:
    """The page with its CSRF tokens and nonce replaced by marks, and whether it had a
    token."""
    secret = request.META.get("CSRF_COOKIE")
    had_token = False
    if secret and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # Every masked token of this request's secret, wherever the page put it.
        def mark(match):
            nonlocal had_token
            if _unmask_cipher_token(match[0]) != secret:
                return match[0]
            had_token = True
            return CSRF_MARK

        html = _TOKEN.sub(mark, html)
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None and nonce.used:
        html = html.replace(str(nonce), NONCE_MARK)
    return html, had_token


class PageCacheMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        request._page_cache_key = None
        if (
            not settings.PAGE_CACHE
            or request.method != "GET"
            or not getattr(view_func, KEPT, False)
            or _messages_waiting(request)
        ):
            return None
        try:
            version = page_version.current()
        except DatabaseError:
            return None
        if version is None:
            return None
        key = _key(request, version)
        kept = _cache().get(key)
        if kept is None:
            request._page_cache_key = key
            return None
        return self._serve(request, kept)

    def _serve(self, request, kept: dict) -> HttpResponse:
        html = kept["html"]
        if kept["token"]:
            html = html.replace(CSRF_MARK, get_token(request))
        if NONCE_MARK in html:
            html = html.replace(NONCE_MARK, str(request.csp_nonce))
        response = HttpResponse(html, status=200)
        for name, value in kept["headers"]:
            response[name] = value
        # Already without the templates' indentation (CollapseWhitespaceMiddleware).
        response.whitespace_collapsed = True
        return response

    def process_response(self, request, response):
        key = getattr(request, "_page_cache_key", None)
        if (
            key is None
            or response.status_code != 200
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Encoding")
            or response.cookies
            or request.session.modified
            or getattr(getattr(request, "_messages", None), "used", False)
        ):
            return response
        charset = response.charset or "utf-8"
        html = collapse_whitespace(response.content.decode(charset))
        html, had_token = _cut_out(request, html)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in NOT_KEPT_HEADERS
        ]
        _cache().set(key, {"html": html, "token": had_token, "headers": headers})
        return response
