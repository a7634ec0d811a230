from django.conf import settings

from cowork.selectors.access import spaces_staffed_by, user_is_network_admin


def navigation(request):
    """What the base layout needs on every page: languages, and which links this user gets."""
    user = getattr(request, "user", None)
    staff_links = False
    if user is not None and user.is_authenticated:
        staff_links = user.is_staff and (
            user_is_network_admin(user=user) or spaces_staffed_by(user=user).exists()
        )
    return {"language_choices": settings.LANGUAGES, "show_admin_link": staff_links}
