"""Content-Security-Policy and Permissions-Policy on every response.

Django 5.2 has no CSP of its own (6.0 adds one). This is a small middleware of ours rather
than django-csp: one policy and a nonce per request, named as Django 6.0 names them (the
nonce is `request.csp_nonce`, and `csp_nonce` in templates, emitted in the header only
when a page used it), so moving to 6.0 replaces this module by a setting.

Scripts run only from our own static files (or an inline script carrying the request's
nonce); no inline handler (`onclick=`) runs. Styles come from our files too; `style`
attributes stay allowed, because the host calendar and the occupancy bars place and size
elements with them, and an attribute cannot run script or read the page.
"""

import secrets

from django.utils.functional import SimpleLazyObject, empty

# Stands for the request's nonce among a directive's sources.
NONCE = "<nonce>"

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Powerful browser features no page of ours uses. QR codes are scanned with the phone's own
# camera app, which opens the check-in page: no page asks for the camera.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


class LazyNonce(SimpleLazyObject):
    """A random nonce made on first use, so a page that needs none sends none."""

    def __init__(self):
        super().__init__(lambda: secrets.token_urlsafe(18))

    @property
    def used(self) -> bool:
        return self._wrapped is not empty


def header_value(policy: dict[str, list[str]], nonce: LazyNonce | None) -> str:
    directives = []
    for directive, sources in policy.items():
        values = [
            f"'nonce-{nonce}'" if source == NONCE else source
            for source in sources
            if source != NONCE or (nonce is not None and nonce.used)
        ]
        directives.append(" ".join([directive, *values]))
    return "; ".join(directives)


class SecurityPolicyMiddleware:
    """Set both headers on every response that has none of its own. Place it early (it
    must see every response, the probes' too), after RequestIdMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = LazyNonce()
        request.csp_nonce = nonce
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = header_value(POLICY, nonce)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def nonce(request) -> dict:
    """Context processor: `{{ csp_nonce }}` for the rare inline script that must be."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
