"""Uploaded files (centres' photos) where no nginx serves /media/: the embedded server, or
an install without a proxy in front. Every stored name is new (a random part per upload),
so browsers and proxies may keep a file for good."""

from django.conf import settings
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
def media_file(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def accepts_upload(view):
    """Let `view` take a body up to PHOTO_UPLOAD_MAX_BYTES, above the site's usual limit
    (cowork.config.middleware.BodyTooLargeMiddleware reads the mark)."""
    view.upload_max_bytes = settings.PHOTO_UPLOAD_MAX_BYTES
    return view
