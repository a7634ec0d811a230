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

A kept page is also kept compressed, so a hit is not gzipped again for each reader who
takes gzip (GZipMiddleware leaves a response that has a Content-Encoding alone). The page's
text between its marks is compressed once, each run ending in a full flush: the stream is
byte-aligned there and nothing after it refers back to anything before. Each response then
puts its own CSRF token and nonce between those runs as stored (uncompressed) deflate blocks
and ends the stream with its own length and CRC. So the secrets are never compressed with
anything else on the page (BREACH guesses a secret by the length compression gives it
together with text the attacker placed on the page: here that length does not depend on the
secret at all), and the gzip header carries a filename of random length, as
GZipMiddleware's does. The same Vary: Accept-Encoding is sent; a reader who takes no gzip,
or a page too short to compress, gets the page as before.
"""

import hashlib
import re
import secrets
import struct
import zlib

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers
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
_MARKS = re.compile(f"({CSRF_MARK}|{NONCE_MARK})")
GZIP = "django.middleware.gzip.GZipMiddleware"
# GZipMiddleware's: shorter pages are not worth compressing.
GZIP_MIN_LENGTH = 200


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


def _compressed_runs(html: str, charset: str) -> list[tuple[bytes, bytes] | str]:
    """The page's text between its marks, each run deflated once and ended by a full
    flush; the marks themselves are left as they are, for each response to fill in."""
    runs = []
    for index, part in enumerate(_MARKS.split(html)):
        if index % 2:
            runs.append(part)
        elif part:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            data = part.encode(charset)
            runs.append((data, deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)))
    return runs


def _gzipped(runs: list, values: dict[str, bytes]) -> bytes:
    """A gzip stream of the kept page, with this response's token and nonce in place of
    the marks, each as a stored block: neither is compressed with anything."""
    filename = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes)
    # Magic, deflate, FNAME, no time, no extra flags, an unknown system; as compress_string.
    out = [b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff", filename, b"\x00"]
    crc = length = 0
    for run in runs:
        if isinstance(run, str):
            data = values[run]
            # A stored block, not the last: the stream is byte-aligned after a full flush.
            out.append(b"\x00" + struct.pack("<HH", len(data), 0xFFFF ^ len(data)))
            out.append(data)
        else:
            data, deflated = run
            out.append(deflated)
        crc = zlib.crc32(data, crc)
        length += len(data)
    # An empty last block, then the trailer.
    out.append(b"\x03\x00" + struct.pack("<II", crc, length & 0xFFFFFFFF))
    return b"".join(out)


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
        runs = kept.get("gzip")
        if runs is not None and re_accepts_gzip.search(
            request.META.get("HTTP_ACCEPT_ENCODING", "")
        ):
            return self._serve_gzipped(request, kept, runs)
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

    def _serve_gzipped(self, request, kept: dict, runs: list) -> HttpResponse:
        charset = kept["charset"]
        values = {}
        if kept["token"]:
            values[CSRF_MARK] = get_token(request).encode(charset)
        if any(run == NONCE_MARK for run in runs):
            values[NONCE_MARK] = str(request.csp_nonce).encode(charset)
        response = HttpResponse(_gzipped(runs, values), status=200)
        for name, value in kept["headers"]:
            response[name] = value
        # As GZipMiddleware would have marked it, which leaves a response so marked alone.
        patch_vary_headers(response, ("Accept-Encoding",))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
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
        kept = {"html": html, "token": had_token, "headers": headers, "charset": charset}
        if GZIP in settings.MIDDLEWARE and len(html.encode(charset)) >= GZIP_MIN_LENGTH:
            kept["gzip"] = _compressed_runs(html, charset)
        _cache().set(key, kept)
        return response
