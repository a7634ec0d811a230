"""The language a signed-in person saved in their profile, for the pages they open.

Django's LocaleMiddleware runs before authentication, so it knows only the language cookie
and the browser's Accept-Language. The saved language is kept in the session when the
person signs in, so reading it costs no query per page; a session from before that (or a
language changed in the admin) is read once from the profile and remembered.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cowork.models import Member

SESSION_KEY = "member_language"
SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _profile_language(user) -> str:
    language = Member.objects.filter(user=user).values_list("language", flat=True).first()
    return language if language in SUPPORTED else ""


@receiver(user_logged_in, dispatch_uid="cowork.remember_member_language")
def remember_member_language(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _profile_language(user)


def saved_language(request) -> str:
    """The signed-in person's saved language, or "" when there is none to follow.

    An explicit choice wins: a language cookie (the switcher, or saving the profile, sets
    it) leaves the page to LocaleMiddleware.
    """
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in SUPPORTED:
        return ""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    session = request.session
    if SESSION_KEY not in session:
        session[SESSION_KEY] = _profile_language(user)
    language = session[SESSION_KEY]
    return language if language in SUPPORTED else ""
