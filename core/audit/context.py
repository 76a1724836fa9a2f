"""Where a request comes from (IP, user agent), kept in a contextvar for the audit services.

Services read `current_client()` so their callers never pass request objects; a Celery task has no
request, so its entries have no IP. The request id comes from guanxi.request_context.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from core.api.clients import client_address

USER_AGENT_MAX = 500


@dataclass(frozen=True)
class Client:
    ip: str | None = None
    user_agent: str = ""


NO_CLIENT = Client()
client_var: contextvars.ContextVar[Client] = contextvars.ContextVar("audit_client", default=NO_CLIENT)


def current_client() -> Client:
    return client_var.get()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as rate limits see it (core.api.clients.client_address): REMOTE_ADDR, or the
    X-Forwarded-For entry the trusted proxies (GUANXI_NUM_PROXIES) wrote. Never a header the client wrote."""
    return client_address(request)


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
