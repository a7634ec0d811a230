"""What every page module needs alike: the centre a URL names, a refusal's status, QR codes."""

import segno
from django.shortcuts import get_object_or_404
from django.utils.safestring import mark_safe

from cowork.errors import DomainError
from cowork.models import Space


def active_space(slug: str, *, with_calendar: bool = False) -> Space:
    """The open centre `slug` names, or 404; `with_calendar` brings its hours, closures and
    resources along for pages that lay out a day."""
    spaces = Space.objects.filter(is_active=True)
    if with_calendar:
        spaces = spaces.prefetch_related("opening_hours", "closures", "resources")
    return get_object_or_404(spaces, slug=slug)


def error_status(error: DomainError) -> int:
    """The status a page answers a service's refusal with: the refusal's own when it is a
    client error, else 400 (a form error is never the server's fault)."""
    return error.status if 400 <= error.status < 500 else 400


def qr_svg(url: str, *, title: str, scale: int = 6, css_class: str = "qr-code") -> str:
    """`url` as an inline SVG QR code. segno writes only path data and escapes the title, so
    the SVG is safe to put in a page as it is."""
    code = segno.make(url, error="m")
    return mark_safe(
        code.svg_inline(scale=scale, border=2, omitsize=True, svgclass=css_class, title=title)
    )
