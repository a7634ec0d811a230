"""Pages and static files travel compressed; compressed pages vary in length (BREACH)."""

import gzip

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import SpaceFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def demo_home(db):
    """The home page listing ten centres: the size of a small network's."""
    SpaceFactory.create_batch(10)
    return "/"


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(demo_home):
    plain = Client().get(demo_home)
    packed = Client().get(demo_home, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count("<main") == 1
    assert len(packed.content) < len(plain.content) / 2


def test_a_client_that_does_not_ask_gets_the_page_as_it_is(demo_home):
    response = Client().get(demo_home)
    assert "Content-Encoding" not in response
    assert b"<main" in response.content


def test_the_same_page_compresses_to_different_lengths_so_length_tells_no_secret(demo_home):
    # Heal the BREACH: random bytes in each gzip header, so an attacker who can make a
    # page reflect a guess beside a secret cannot read the guess's effect off the length.
    lengths = {len(Client().get(demo_home, **GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


@pytest.mark.django_db
@pytest.mark.skipif(not settings.EMBEDDED, reason="production serves collected files")
def test_static_files_are_compressed_on_the_embedded_default():
    response = Client().get("/static/cowork/booking.css", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert b"{" in body


@pytest.mark.skipif(settings.EMBEDDED, reason="the embedded default serves from the source")
def test_collected_static_files_are_precompressed(collected_static):
    # What nginx (gzip_static) and WhiteNoise serve in production.
    hashed = [p for p in (collected_static / "cowork").glob("booking.*.css")]
    assert hashed, "collectstatic wrote no hashed booking.css"
    for css in hashed:
        assert css.with_name(css.name + ".gz").exists()
