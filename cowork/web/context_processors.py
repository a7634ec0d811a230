import functools

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cowork.selectors.access import space_roles_of
from cowork.selectors.inbox import host_inbox_summary
from cowork.selectors.reports import user_has_donor_access


def works_at_a_centre(request) -> tuple[bool, bool]:
    """(a network admin, works at a centre): the layout and the offline copies
    (cowork.web.offline) both need it. From the user's roles, read once per request (a
    page that checked them already spent the query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False, False
    roles = space_roles_of(user=user)
    return roles.network_admin, roles.works_somewhere


def navigation(request):
    """What the base layout needs on every page: languages, and which links this user gets.

    Each link is worked out when the page shows it: the admin's pages run this too but have
    a header of their own, and read neither the user's roles nor their inbox for it."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)

    @functools.cache
    def roles() -> tuple[bool, bool, bool]:
        """(a network admin, works at a centre, manages a centre), from their roles."""
        network_admin, works_somewhere = works_at_a_centre(request)
        manages = network_admin or bool(signed_in and space_roles_of(user=user).managed)
        return network_admin, works_somewhere, manages

    def waiting() -> int:
        # What waits for them, one query asked only of those who manage a centre (members
        # and staff are spared it).
        return host_inbox_summary(user=user, now=timezone.now()).waiting if roles()[2] else 0

    return {
        "language_choices": settings.LANGUAGES,
        # Host pages (calendars, live dashboards, QR sheets) for anyone who works at a
        # centre; the admin only for those who can also sign in to it.
        "show_host_links": SimpleLazyObject(lambda: roles()[1]),
        "show_admin_link": SimpleLazyObject(lambda: roles()[1] and user.is_staff),
        # Centre management: network admins and the hosts of a centre.
        "show_manage_link": SimpleLazyObject(lambda: roles()[2]),
        # The inbox of what waits for a host's decision, with its count in the header.
        "inbox_waiting": SimpleLazyObject(waiting),
        # The live view of every centre at once.
        "show_network_link": SimpleLazyObject(lambda: roles()[0]),
        # Reports: admins and hosts of their centres; donors of the events with their tags.
        "show_reports_link": SimpleLazyObject(
            lambda: roles()[1] or (signed_in and user_has_donor_access(user=user))
        ),
    }
