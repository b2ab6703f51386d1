"""The client's address: the one reader that lock-out (django-axes, via AXES_CLIENT_IP_CALLABLE), the SMS
quota, the login log and the audit log all use.

Behind N reverse proxies (settings.PROXY_COUNT, from ANZE_PROXY_COUNT) every request comes from the nearest
proxy's address, and each proxy appends the address it saw to X-Forwarded-For. So the client is the N-th entry
from the right; anything further left was written by the client and is ignored. With no proxy the header is
ignored altogether (anyone can send it).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """``value`` as a plain IP address (a port, IPv6 brackets removed), or None when it is none."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.7:5555
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped an outer proxy; the leftmost is then the nearest we have.
    return _address(hops[-count] if len(hops) >= count else hops[0]) or remote
