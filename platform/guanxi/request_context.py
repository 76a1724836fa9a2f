"""Request id, tenant schema and user id for every log line of a request (and of a task)."""

from __future__ import annotations

import contextvars
import logging
import time
import uuid
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="")

access_log = logging.getLogger("guanxi.access")


def current_request_id() -> str:
    return request_id_var.get()


class ContextFilter(logging.Filter):
    """Adds request_id, schema and user_id to every record, so each JSON line can be traced."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.schema = getattr(connection, "schema_name", "")
        record.user_id = user_id_var.get()
        return True


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it looks sane, else makes one; echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        user_token = user_id_var.set("")
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "host": request.META.get("HTTP_HOST", ""),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
            user_id_var.reset(user_token)


class LogContextMiddleware:
    """Records the authenticated user's id for the log lines that follow."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return self.get_response(request)
