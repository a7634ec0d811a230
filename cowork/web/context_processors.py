from django.conf import settings
from django.utils import timezone

from cowork.selectors.access import spaces_staffed_by, user_is_network_admin
from cowork.selectors.inbox import host_inbox_summary
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
    # Whether they manage a centre and what waits for them there: one query, asked only of
    # people who work at a centre (members are spared it).
    inbox = host_inbox_summary(user=user, now=timezone.now()) if works_somewhere else None
    manages = network_admin or bool(inbox and inbox.manages)
    return {
        "language_choices": settings.LANGUAGES,
        # Host pages (calendars, live dashboards, QR sheets) for anyone who works at a
        # centre; the admin only for those who can also sign in to it.
        "show_host_links": works_somewhere,
        "show_admin_link": works_somewhere and user.is_staff,
        # Centre management: network admins and the hosts of a centre.
        "show_manage_link": manages,
        # The inbox of what waits for a host's decision, with its count in the header.
        "inbox_waiting": inbox.waiting if manages and inbox else 0,
        # The live view of every centre at once.
        "show_network_link": network_admin,
        # Reports: admins and hosts of their centres; donors of the events with their tags.
        "show_reports_link": works_somewhere or (signed_in and user_has_donor_access(user=user)),
    }
