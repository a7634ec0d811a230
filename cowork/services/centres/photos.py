"""A centre's photo: checked, re-encoded small, stored, and replaced or removed.

People pay for mobile data by the megabyte, so the file a host sends (a phone's 4 MB
JPEG) is never what visitors load: it is decoded, turned upright, shrunk to phone width and
written again as WebP of at most PHOTO_MAX_BYTES, without the camera's metadata (where it
was taken, by what). The decoding is done before the centre's lock is taken, so a slow
photo holds up no booking.
"""

import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cowork.errors import InvalidInput
from cowork.models import DomainEventKind, Space
from cowork.services.centres._common import managed_space, record, require_manager

# What a phone or a camera sends; Pillow's name for each.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A photo of 40 megapixels is already a very good camera's; more is a decompression bomb.
MAX_PIXELS = 40_000_000
# What a visitor loads: about 30 KB, in the box a phone's screen shows at twice its density.
PHOTO_MAX_BYTES = 30 * 1024
PHOTO_BOX = (720, 540)
# Lower qualities, then boxes a fifth smaller each time, until the photo fits PHOTO_MAX_BYTES.
QUALITIES = (70, 60, 50, 40)
MIN_WIDTH = 120


def _unreadable() -> InvalidInput:
    return InvalidInput(
        _("This file is not a photo that can be read. Send a JPEG, PNG or WebP picture."),
        code="photo_unreadable",
        details={"fields": {"photo": [_("Send a JPEG, PNG or WebP picture.")]}},
    )


def _opened(upload) -> Image.Image:
    """The upload decoded, upright, in RGB on white; InvalidInput if it is not a photo we
    take or too large."""
    limit = settings.PHOTO_UPLOAD_MAX_BYTES
    if upload.size > limit:
        message = _("The photo is larger than %(size)d MB. Send a smaller one.") % {
            "size": limit // (1024 * 1024)
        }
        raise InvalidInput(
            message, code="photo_too_large", details={"fields": {"photo": [message]}}
        )
    if upload.size == 0:
        raise _unreadable()
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise _unreadable()
            if probe.width * probe.height > MAX_PIXELS:
                message = _("The photo has too many pixels. Send one of at most 40 megapixels.")
                raise InvalidInput(
                    message, code="photo_too_large", details={"fields": {"photo": [message]}}
                )
            probe.verify()  # a truncated or corrupt file fails here, before decoding
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", PHOTO_BOX)  # JPEG: decode at a fraction of the size
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise _unreadable() from error
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return upright.convert("RGB")


def photo_encoded(upload) -> tuple[bytes, int, int]:
    """The upload as a small WebP: (its bytes, width, height). The largest box and the best
    quality that together stay within PHOTO_MAX_BYTES; a photo of pure noise ends smaller
    than a phone's width rather than larger than the budget."""
    image = _opened(upload)
    box = PHOTO_BOX
    while True:
        shrunk = image.copy()
        shrunk.thumbnail(box, Image.Resampling.LANCZOS)
        for quality in QUALITIES:
            buffer = io.BytesIO()
            shrunk.save(buffer, "WEBP", quality=quality, method=4)
            if buffer.tell() <= PHOTO_MAX_BYTES or box[0] <= MIN_WIDTH:
                return buffer.getvalue(), shrunk.width, shrunk.height
        box = (box[0] * 4 // 5, box[1] * 4 // 5)


def space_photo_set(*, space: Space, by, upload) -> Space:
    """Give the centre a photo from `upload` (a file a host sent), replacing the last one.

    InvalidInput, and nothing stored or changed, when it is too large or not an image.
    The old file goes once the change is committed.
    """
    require_manager(user=by, space=space)
    data, width, height = photo_encoded(upload)
    name = default_storage.save(
        f"centres/{space.pk}-{secrets.token_hex(6)}.webp", ContentFile(data)
    )
    try:
        with transaction.atomic():
            fresh = managed_space(space.pk, by=by)
            old = fresh.photo.name
            fresh.photo.name = name
            fresh.photo_width, fresh.photo_height = width, height
            fresh.save(update_fields=["photo", "photo_width", "photo_height"])
            record(
                DomainEventKind.SPACE_UPDATED,
                aggregate=fresh,
                space=fresh,
                by=by,
                fields=["photo"],
            )
            if old:
                transaction.on_commit(lambda: default_storage.delete(old))
    except BaseException:
        default_storage.delete(name)
        raise
    return fresh


def space_photo_remove(*, space: Space, by) -> Space:
    """Take the centre's photo down; its file goes once that is committed."""
    with transaction.atomic():
        fresh = managed_space(space.pk, by=by)
        old = fresh.photo.name
        if not old:
            return fresh
        fresh.photo.name = ""
        fresh.photo_width = fresh.photo_height = None
        fresh.save(update_fields=["photo", "photo_width", "photo_height"])
        record(DomainEventKind.SPACE_UPDATED, aggregate=fresh, space=fresh, by=by, fields=["photo"])
        transaction.on_commit(lambda: default_storage.delete(old))
    return fresh
