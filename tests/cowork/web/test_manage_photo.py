"""The centre's photo page: a phone's photo of several megabytes goes in, a small one comes
out on the centre's page, lazy and with its size; a bad file gets a clear error."""

import re

import pytest
from django.urls import reverse

from cowork.services.centres.photos import PHOTO_MAX_BYTES
from tests.factories import HostFactory
from tests.photos import photo_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def host_client(client, space):
    client.force_login(HostFactory(space=space).user)
    return client


def test_a_host_sends_a_large_photo_and_visitors_get_a_small_lazy_one(host_client, client, space):
    upload = photo_upload(width=1600, height=1200, noise=True, quality=95)
    assert upload.size > 1024 * 1024  # more than any other form may send
    url = reverse("web:manage-photo", args=[space.slug])
    response = host_client.post(url, {"photo": upload})
    assert response.status_code == 302, response.content[:500]
    manage_page = host_client.get(url).content.decode()
    assert "Photo saved." in manage_page and "Remove the photo" in manage_page

    client.logout()
    page = client.get(reverse("space-detail", args=[space.slug])).content.decode()
    img = re.search(r'<img class="centre-photo"[^>]*>', page).group(0)
    assert 'loading="lazy"' in img and re.search(r'width="\d+" height="\d+"', img)
    src = re.search(r'src="([^"]+)"', img).group(1)
    assert src.startswith("/media/centres/") and src.endswith(".webp")
    photo = client.get(src)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/webp"
    assert "immutable" in photo["Cache-Control"]
    assert len(b"".join(photo.streaming_content)) <= PHOTO_MAX_BYTES


def test_a_file_that_is_not_a_photo_gets_a_clear_error_and_changes_nothing(host_client, space):
    url = reverse("web:manage-photo", args=[space.slug])
    refused = host_client.post(url, {"photo": photo_upload("cv.jpg", b"%PDF-1.4 not a picture")})
    assert refused.status_code == 400
    assert "Send a JPEG, PNG or WebP picture." in refused.content.decode()
    space.refresh_from_db()
    assert not space.photo
    empty = host_client.post(url, {})
    assert empty.status_code == 400 and not space.photo


def test_other_pages_still_refuse_a_body_over_a_megabyte(host_client, space):
    url = reverse("web:manage-centre", args=[space.slug])
    big = photo_upload(width=1600, height=1200, noise=True, quality=95)
    assert host_client.post(url, {"name": "X", "photo": big}).status_code == 413
    photo_url = reverse("web:manage-photo", args=[space.slug])
    settings_limit = 10 * 1024 * 1024
    huge = photo_upload("huge.jpg", b"\xff" * (settings_limit + 1))
    assert host_client.post(photo_url, {"photo": huge}).status_code == 413


def test_a_host_removes_the_photo(host_client, space):
    url = reverse("web:manage-photo", args=[space.slug])
    host_client.post(url, {"photo": photo_upload()})
    space.refresh_from_db()
    assert space.photo
    removed = host_client.post(reverse("web:manage-photo-remove", args=[space.slug]))
    assert removed.status_code == 302
    space.refresh_from_db()
    assert not space.photo
    page = host_client.get(reverse("space-detail", args=[space.slug])).content.decode()
    assert "centre-photo" not in page
