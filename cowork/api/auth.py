"""Who is calling: a bearer token, or the signed-in web session.

The token is tried first. A request that sends an Authorization header gets exactly what
that header earns: a bad, unknown or revoked token is a 401 even if a session cookie rides
along, so a script never silently acts as whoever last signed in on that browser.
"""

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from cowork.services.api_tokens import api_token_authenticate


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header)
        if not header:
            return None  # no header: let the session try
        scheme, _sep, key = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise AuthenticationError()
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str):
        api_token = api_token_authenticate(key=token)
        if api_token is None:
            raise AuthenticationError()
        # Code below the API reads request.user, as it would for a session.
        request.user = api_token.user
        return api_token.user


class Session(SessionAuth):
    """django-ninja's session auth, with its CSRF check on unsafe methods.

    The check runs only for a signed-in session: an anonymous request acts as nobody, so
    there is nothing to forge, and it should hear 401 ("sign in"), not 403 ("CSRF").
    """

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if request.user.is_authenticated and request.user.is_active:
            return request.user
        return None


api_auth = [BearerToken(), Session()]
