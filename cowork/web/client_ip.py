"""The client's address as the request carries it, once the project's ASGI wiring has
decided whom to believe (`cowork.config.client_address`, which wraps every request)."""

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(value: str) -> Address | None:
    """An IP address, IPv4-mapped IPv6 (`::ffff:a.b.c.d`, a dual-stack socket) as IPv4."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request) -> str | None:
    """The client's IP address as this installation can vouch for it, or None.

    REMOTE_ADDR is what the ASGI wrapper (`TrustedProxyHeaders`) left in the scope: the
    peer, or the client a trusted proxy named. Use this rather than any header.
    """
    address = parse_address(request.META.get("REMOTE_ADDR") or "")
    return str(address) if address is not None else None
