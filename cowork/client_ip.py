"""Where a request came from, read in one place for every limit that counts by address."""

import ipaddress

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, or None when the server cannot tell (a unix socket).

    The peer address only: a forwarded-for header is trusted solely when it comes from
    a configured proxy, which is a decision for this function alone, never its callers.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
