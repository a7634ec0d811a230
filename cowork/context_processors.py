from django.conf import settings

from cowork.selectors.access import spaces_staffed_by, user_is_network_admin


def navigation(request):
    """What the base layout needs on every page: languages, and which links this user gets."""
    user = getattr(request, "user", None)
    works_somewhere = bool(
        user is not None
        and user.is_authenticated
        and (user_is_network_admin(user=user) or spaces_staffed_by(user=user).exists())
    )
    return {
        "language_choices": settings.LANGUAGES,
        # Host pages (calendars, QR sheets) for anyone who works at a centre; the admin only
        # for those who can also sign in to it.
        "show_host_links": works_somewhere,
        "show_admin_link": works_somewhere and user.is_staff,
    }
