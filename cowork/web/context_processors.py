from django.conf import settings

from cowork.selectors.access import spaces_managed_by, spaces_staffed_by, user_is_network_admin
from cowork.selectors.reports import user_has_donor_access


def works_at_a_centre(request) -> tuple[bool, bool]:
    """(a network admin, works at a centre), asked once per request: the layout and the
    offline copies (cowork.web.offline) both need it."""
    known = getattr(request, "_works_at_a_centre", None)
    if known is not None:
        return known
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    network_admin = signed_in and user_is_network_admin(user=user)
    works_somewhere = network_admin or (signed_in and spaces_staffed_by(user=user).exists())
    request._works_at_a_centre = (network_admin, works_somewhere)
    return request._works_at_a_centre


def navigation(request):
    """What the base layout needs on every page: languages, and which links this user gets."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    network_admin, works_somewhere = works_at_a_centre(request)
    return {
        "language_choices": settings.LANGUAGES,
        # Host pages (calendars, live dashboards, QR sheets) for anyone who works at a
        # centre; the admin only for those who can also sign in to it.
        "show_host_links": works_somewhere,
        "show_admin_link": works_somewhere and user.is_staff,
        # Centre management: network admins and the hosts of a centre (who work there, so
        # members are spared the query).
        "show_manage_link": network_admin
        or (works_somewhere and spaces_managed_by(user=user).exists()),
        # The live view of every centre at once.
        "show_network_link": network_admin,
        # Reports: admins and hosts of their centres; donors of the events with their tags.
        "show_reports_link": works_somewhere or (signed_in and user_has_donor_access(user=user)),
    }
