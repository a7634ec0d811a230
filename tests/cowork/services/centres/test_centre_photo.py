"""A centre's photo through its service: re-encoded small and upright, without the camera's
metadata; bad input refused with nothing stored; the old file gone once replaced."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from cowork.errors import InvalidInput, NotAllowed
from cowork.models import DomainEvent, DomainEventKind, Space
from cowork.services.centres.photos import PHOTO_MAX_BYTES, space_photo_remove, space_photo_set
from tests.factories import MemberFactory
from tests.photos import gps_exif, photo_bytes, photo_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _stored(media) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def test_a_phone_photo_is_stored_as_a_small_upright_webp_without_its_metadata(space, host, media):
    upload = photo_upload(exif=gps_exif(orientation=6), quality=95)  # 3000×2000, turned
    saved = space_photo_set(space=space, by=host, upload=upload)
    with default_storage.open(saved.photo.name) as stored:
        data = stored.read()
    assert len(data) <= PHOTO_MAX_BYTES
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    # Upright: the camera held it on its side, so the picture is taller than wide.
    assert (image.width, image.height) == (saved.photo_width, saved.photo_height)
    assert image.height > image.width and image.height <= 540
    assert not image.getexif() and b"PhoneMaker" not in data
    space.refresh_from_db()
    assert space.photo.name == saved.photo.name and space.photo_width == image.width
    event = DomainEvent.objects.get(kind=DomainEventKind.SPACE_UPDATED)
    assert event.payload["fields"] == ["photo"] and event.payload["by"] == host.pk


def test_even_a_photo_of_noise_stays_within_the_budget(space, host):
    saved = space_photo_set(
        space=space, by=host, upload=photo_upload(width=1600, height=1200, noise=True)
    )
    assert saved.photo.size <= PHOTO_MAX_BYTES and saved.photo_width >= 120


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (photo_upload("notes.jpg", b"Not a picture at all, only words."), "photo_unreadable"),
        (photo_upload("empty.jpg", b""), "photo_unreadable"),
        (photo_upload("cut.jpg", photo_bytes(800, 600)[:5000]), "photo_unreadable"),
        (photo_upload("drawing.bmp", photo_bytes(40, 40, fmt="BMP")), "photo_unreadable"),
    ],
    ids=["text", "empty", "truncated", "bmp"],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(space, host, media, upload, code):
    with pytest.raises(InvalidInput) as refused:
        space_photo_set(space=space, by=host, upload=upload)
    assert refused.value.code == code
    assert "photo" in refused.value.details["fields"]
    assert _stored(media) == []
    space.refresh_from_db()
    assert not space.photo and not DomainEvent.objects.filter(aggregate_id=str(space.pk)).exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(space, host, media, settings):
    settings.PHOTO_UPLOAD_MAX_BYTES = 50_000
    with pytest.raises(InvalidInput) as refused:
        space_photo_set(space=space, by=host, upload=photo_upload(quality=95))
    assert refused.value.code == "photo_too_large"
    assert _stored(media) == []


def test_only_the_centres_hosts_give_it_a_photo(space, media):
    with pytest.raises(NotAllowed):
        space_photo_set(space=space, by=MemberFactory().user, upload=photo_upload())
    assert _stored(media) == [] and not Space.objects.get(pk=space.pk).photo


def test_a_replaced_or_removed_photo_leaves_no_file_behind(
    space, host, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = space_photo_set(space=space, by=host, upload=photo_upload()).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = space_photo_set(space=space, by=host, upload=photo_upload(width=900)).photo.name
    assert first != second
    assert _stored(media) == [second.rsplit("/", 1)[1]]
    with django_capture_on_commit_callbacks(execute=True):
        removed = space_photo_remove(space=space, by=host)
    assert not removed.photo and removed.photo_width is None
    assert _stored(media) == []
    assert DomainEvent.objects.filter(kind=DomainEventKind.SPACE_UPDATED).count() == 3
