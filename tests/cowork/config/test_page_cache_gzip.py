"""A kept page (cowork.config.page_cache) is kept compressed too: a reader who takes gzip is
served the compressed copy, with this response's own CSRF token and nonce put in as stored
blocks, compressed with nothing else on the page."""

import gzip
import pickle
import re
import zlib

import pytest
from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from cowork.config.page_cache import (
    CSRF_MARK,
    NONCE_MARK,
    _compressed_runs,
    _gzipped,
)
from tests.cowork.config.page_cache_fixtures import committed_database, kramatorsk  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def _kept_entries() -> list[dict]:
    cache = caches[settings.PAGE_CACHE_ALIAS]
    return [pickle.loads(value) for value in cache._cache.values()]


def _without_tokens(html: str) -> str:
    return TOKENS.sub('name="csrfmiddlewaretoken" value=""', html)


def test_a_kept_page_is_served_gzipped_and_unpacks_to_the_same_html(
    space, django_assert_num_queries
):
    first = Client(HTTP_ACCEPT_ENCODING="gzip, deflate").get("/")
    assert first["Content-Encoding"] == "gzip"
    reader = Client(HTTP_ACCEPT_ENCODING="gzip, deflate")
    with django_assert_num_queries(1):
        kept = reader.get("/")
    assert kept.status_code == 200
    assert kept["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in kept["Vary"]
    assert set(re.split(r",\s*", kept["Vary"])) == set(re.split(r",\s*", first["Vary"]))
    assert kept["Content-Length"] == str(len(kept.content))
    html = gzip.decompress(kept.content).decode()
    assert _without_tokens(html) == _without_tokens(gzip.decompress(first.content).decode())
    assert space.name in html
    # The token is this reader's, masked for this response.
    secret = reader.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = TOKENS.findall(html)
    assert tokens
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}


def test_the_token_is_never_compressed_and_never_kept(space):
    Client(HTTP_ACCEPT_ENCODING="gzip").get("/")
    (entry,) = _kept_entries()
    assert entry["token"]
    compressed = b"".join(run[1] for run in entry["gzip"] if isinstance(run, tuple))
    assert CSRF_MARK in entry["gzip"]
    kept = Client(HTTP_ACCEPT_ENCODING="gzip").get("/")
    tokens = TOKENS.findall(gzip.decompress(kept.content).decode())
    for token in tokens:
        # As stored bytes in the stream, in no compressed run, and in nothing kept.
        assert token.encode() in kept.content
        assert token.encode() not in compressed
        assert token not in entry["html"]


def test_a_reader_who_takes_no_gzip_is_served_the_page_as_it_is(space):
    Client(HTTP_ACCEPT_ENCODING="gzip").get("/")
    plain = Client().get("/")
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    assert space.name in plain.content.decode()


def test_without_gzip_in_the_middleware_no_compressed_copy_is_kept(space, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("GZipMiddleware")]
    Client(HTTP_ACCEPT_ENCODING="gzip").get("/")
    (entry,) = _kept_entries()
    assert "gzip" not in entry
    kept = Client(HTTP_ACCEPT_ENCODING="gzip").get("/")
    assert not kept.has_header("Content-Encoding")


@pytest.mark.parametrize("where", ["start", "middle", "end", "twice"])
def test_the_stream_unpacks_to_the_page_with_each_mark_filled_in(where):
    body = "<p>é " * 200
    html = {
        "start": f"{CSRF_MARK}{body}",
        "middle": f"{body}<script nonce='{NONCE_MARK}'></script>{body}",
        "end": f"{body}{CSRF_MARK}",
        "twice": f"{CSRF_MARK}{body}{NONCE_MARK}{CSRF_MARK}",
    }[where]
    values = {CSRF_MARK: b"t" * 64, NONCE_MARK: b"n" * 24}
    stream = _gzipped(_compressed_runs(html, "utf-8"), values)
    expected = html.replace(CSRF_MARK, "t" * 64).replace(NONCE_MARK, "n" * 24)
    assert gzip.decompress(stream).decode() == expected
    # Also as a browser's zlib reads it, and with nothing after the end of the stream.
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert unpack.decompress(stream).decode() == expected
    assert unpack.eof and not unpack.unused_data
