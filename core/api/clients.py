"""Who is asking: the client's address as the trusted proxies saw it.

`client_address` is the one answer to "who is asking" for rate limits (core.web.ratelimit and the
API's DRF throttles, core.api.throttles) and for the audit log (core.audit.context). Behind a proxy
REMOTE_ADDR is the proxy's own address, so every visitor would share one counter; with
`GUANXI_NUM_PROXIES = N` trusted proxies in front, the client is the Nth entry of X-Forwarded-For
counted from the right, exactly as DRF's NUM_PROXIES picks it (entries further left were written by
the client and prove nothing). With 0 the header is ignored: anyone could write any address in it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def num_proxies() -> int:
    return max(int(getattr(settings, "GUANXI_NUM_PROXIES", 0) or 0), 0)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as the trusted proxies saw it; None when there is no valid one.

    With N trusted proxies: X-Forwarded-For's Nth entry from the right (its leftmost when it has fewer),
    else REMOTE_ADDR. An entry that is not an IP address (a misconfigured proxy) falls back to REMOTE_ADDR.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = num_proxies()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = forwarded.split(",")
        return _valid_ip(hops[-min(proxies, len(hops))]) or remote
    return remote
