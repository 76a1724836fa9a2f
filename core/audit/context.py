"""Where a request comes from (IP, user agent), kept in a contextvar for the audit services.

Services read `current_client()` so their callers never pass request objects; a Celery task has no
request, so its entries have no IP. The request id comes from guanxi.request_context.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

USER_AGENT_MAX = 500


@dataclass(frozen=True)
class Client:
    ip: str | None = None
    user_agent: str = ""


NO_CLIENT = Client()
client_var: contextvars.ContextVar[Client] = contextvars.ContextVar("audit_client", default=NO_CLIENT)


def current_client() -> Client:
    return client_var.get()


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the first hop of X-Forwarded-For when the deployment says its proxy sets it.

    Trusting the header without such a proxy would let anyone write any IP into the audit log.
    """
    if getattr(settings, "GUANXI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = _valid_ip(forwarded.split(",")[0])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def client_of(request: HttpRequest) -> Client:
    return Client(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX])


@contextmanager
def client_context(client: Client) -> Iterator[None]:
    """Set the client for a block of code outside a request (a task acting for a known caller)."""
    token = client_var.set(client)
    try:
        yield
    finally:
        client_var.reset(token)


class AuditContextMiddleware:
    """Stores the request's client for the audit services, and forgets it after the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_context(client_of(request)):
            return self.get_response(request)
