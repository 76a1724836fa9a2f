"""One error model for the whole API, after Saleor and the HackSoft styleguide.

Every error response has the shape

    {"error": {"status": 400, "code": "validation_error", "message": "…",
               "fields": [{"path": "workspace", "code": "taken", "message": "…"}],
               "request_id": "…"}}

with a stable machine `code`, a `message` in the user's language and, for validation errors, the
path of each failing field. tests/api/test_error_shape.py pins it across status codes.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from guanxi.request_context import current_request_id

logger = logging.getLogger("guanxi.api")


class ApplicationError(Exception):
    """An error a service raises on purpose; the API turns it into the error shape."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, fields: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = fields or []
        self.headers = headers or {}


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class TooManyRequests(ApplicationError):
    """A limit a service or view counts itself (DRF's throttles raise their own Throttled)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "throttled"


class WorkspaceReadOnly(ApplicationError):
    status_code = status.HTTP_423_LOCKED
    code = "workspace_read_only"


def error_body(status_code: int, code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": str(message),
            "fields": fields or [],
            "request_id": current_request_id(),
        }
    }


def error_response(status_code: int, code: str, message: str, fields: list[dict] | None = None,
                   headers: dict | None = None) -> Response:
    return Response(error_body(status_code, code, message, fields), status=status_code, headers=headers)


def fields_from_django(error: DjangoValidationError, prefix: str = "") -> list[dict]:
    """Flatten a Django ValidationError into [{path, code, message}]."""
    out: list[dict] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            path = field if field != "__all__" else ""
            for item in errors:
                out.extend(fields_from_django(item, _join(prefix, path)))
    else:
        for item in error.error_list:
            message = item.message % item.params if item.params else item.message
            out.append({"path": prefix, "code": item.code or "invalid", "message": str(message)})
    return out


def fields_from_drf(detail: Any, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into [{path, code, message}]."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            path = "" if key in ("non_field_errors", "__all__") else str(key)
            out.extend(fields_from_drf(value, _join(prefix, path)))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(fields_from_drf(value, _join(prefix, str(index))))
            else:
                out.extend(fields_from_drf(value, prefix))
        return out
    code = getattr(detail, "code", None) or "invalid"
    return [{"path": prefix, "code": code, "message": str(detail)}]


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return f"{prefix}.{path}" if path else prefix


_DEFAULT_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "stale_version",
    413: "request_too_large",
    415: "unsupported_media_type",
    423: "workspace_read_only",
    429: "throttled",
}


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every failure, expected or not, leaves in the one shape."""
    if isinstance(exc, ApplicationError):
        return error_response(exc.status_code, exc.code, exc.message, exc.fields, headers=exc.headers or None)
    if isinstance(exc, DjangoValidationError):
        return error_response(400, "validation_error", _("Some fields are not valid."), fields_from_django(exc))
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "request_too_large", _too_large_message())
    if isinstance(exc, SuspiciousOperation):
        return error_response(400, "bad_request", _("The request is not valid."))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        return error_response(400, "validation_error", _("Some fields are not valid."), fields_from_drf(exc.detail))
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Bearer realm="api"'
            # DRF answers 403 when no authenticator gives a header; an API client must see 401
            exc.status_code = 401
        code = _DEFAULT_CODES.get(exc.status_code) or getattr(exc, "default_code", "error")
        message = _message_for(exc)
        return error_response(exc.status_code, code, message, headers=headers)

    logger.exception("unhandled API error", exc_info=exc)
    return error_response(500, "server_error", _("Something went wrong on our side. Please try again; "
                                                  "if it keeps happening, contact support with the request id."))


def _too_large_message() -> str:
    return _("The request body is too large: send at most %(size)d kB.") % {
        "size": (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // 1024}


def _message_for(exc: exceptions.APIException) -> str:
    messages = {
        401: _("Log in or send a valid API token."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    if exc.status_code in messages and not isinstance(exc, exceptions.Throttled):
        return messages[exc.status_code]
    if isinstance(exc, exceptions.Throttled):
        return messages[429]
    detail = exc.detail
    return str(detail if not isinstance(detail, list | dict) else exc.default_detail)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body(404, "not_found", _("Not found.")), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(500, "server_error", _("Something went wrong on our side. Please try again; "
                                          "if it keeps happening, contact support with the request id.")),
        status=500,
    )


class ErrorFieldOut(serializers.Serializer):
    path = serializers.CharField(help_text="The failing field, dotted for nested input (`emails.0`); "
                                           "empty for the request as a whole.")
    code = serializers.CharField(help_text="Stable, for programs.")
    message = serializers.CharField(help_text="For people, in their language.")


class ErrorDetailOut(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Stable, for programs, e.g. `validation_error`, `not_found`.")
    message = serializers.CharField(help_text="For people, in their language.")
    fields = ErrorFieldOut(many=True)
    request_id = serializers.CharField(help_text="Also in the `X-Request-ID` header and the server's logs.")


class ErrorOut(serializers.Serializer):
    """Documentation of the one error shape (`error_body`), for the OpenAPI document."""

    error = ErrorDetailOut()
