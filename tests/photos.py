"""Pictures for the tests of centres' photos, made in memory: what a phone sends."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo_bytes(width=3000, height=2000, *, fmt="JPEG", noise=False, exif=None, **save) -> bytes:
    """A picture: a gradient like a wall and a sky, or noise, which no encoder shrinks."""
    if noise:
        rng = random.Random(width * height)
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    buffer = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def photo_upload(name="entrance.jpg", content: bytes | None = None, **kwargs):
    data = photo_bytes(**kwargs) if content is None else content
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def gps_exif(*, orientation: int = 1) -> Image.Exif:
    """A camera's metadata: where the picture was taken, and which way up it is."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (41.0, 18.0, 0.0)  # GPSLatitude
    return exif
