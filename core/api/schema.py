"""OpenAPI generation: unique operation ids, list and create responses of our generic record views, and
the error responses of every operation, all in the one error shape of core.api.errors.

Which errors an operation can answer follows from what it is, so no view has to list them:
every operation can refuse its input (400, e.g. a NUL character in the query string); one that needs a
login answers 401 and 403; one with a path parameter or a cursor answers 404; a write can conflict
(409) or meet a read-only workspace (423); a body can be too large (413) or not JSON (415); a throttled
view answers 429; `If-Match` brings 428 when it is missing. A view adds others with `error_statuses`.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_DESCRIPTIONS = {
    400: "The input is not valid: `fields` lists every failing field by its path.",
    401: "No session and no valid API token.",
    403: "Your role may not do this.",
    404: "No such object (or one you may not see), or an invalid cursor.",
    409: "The request conflicts with the current state (a duplicate, a version saved meanwhile, …).",
    412: "The version in If-Match is not the current one.",
    413: "The request body is too large.",
    415: "The request body is not JSON.",
    423: "The workspace is suspended or cancelled: it can be read, not changed.",
    428: "Send the version you edited in If-Match.",
    429: "Too many requests: wait the seconds in the Retry-After header.",
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class GuanxiAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        """`AccountListView` + GET → `account_list_get`: unique across views sharing one path pattern."""
        name = type(self.view).__name__.removesuffix("View")
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
        return f"{snake}_{self.method.lower()}"

    def _is_list_view(self, serializer=None) -> bool:
        """Views that answer GET with a page of records say so with `lists_records = True`."""
        from drf_spectacular.plumbing import is_basic_type

        if serializer is not None and is_basic_type(serializer):
            return False  # a file, such as the CSV export
        if getattr(self.view, "lists_records", False) and self.method == "GET":
            return True
        return super()._is_list_view(serializer)

    def _is_create_operation(self) -> bool:
        """POST on a view that lists records creates one (201)."""
        return (self.method == "POST" and getattr(self.view, "lists_records", False)) or super()._is_create_operation()

    def get_request_serializer(self):
        """Bodies are documented by input serializers (`extend_schema(request=…)`), never by the output
        serializer a view names for its answers: a view that declares none takes no body."""
        serializer = super().get_request_serializer()
        cls = serializer if isinstance(serializer, type) else type(serializer)
        if cls.__name__.endswith("Out"):
            return None
        return serializer

    def error_statuses(self) -> set[int]:
        """The error statuses this operation can answer (see the module's docstring)."""
        statuses = {400}
        authenticated = bool(self.get_auth()) and {} not in self.get_auth()
        if authenticated:
            statuses |= {401, 403}
        if "{" in self.path or (self.method == "GET" and self._is_list_view() and self._get_paginator()):
            statuses.add(404)
        if self.method in UNSAFE and authenticated:
            statuses |= {409, 423}
        if self._get_request_body():
            statuses |= {413, 415}
        if getattr(self.view, "throttle_classes", None):
            statuses.add(429)
        if any(getattr(p, "name", "") == "If-Match" and getattr(p, "required", False)
               for p in self.get_override_parameters()):
            statuses |= {409, 428}
        if self.method in getattr(self.view, "if_match_methods", ()):
            statuses.add(412)  # a stale optional If-Match (the record's ETag)
        return statuses | set(getattr(self.view, "error_statuses", ()))

    def get_override_parameters(self) -> list:
        """Views that take a record's ETag back (`if_match_methods`) document the optional If-Match header."""
        parameters = list(super().get_override_parameters())
        if self.method in getattr(self.view, "if_match_methods", ()):
            from drf_spectacular.utils import OpenApiParameter

            parameters.append(OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, required=False,
                description="The record's ETag (its version, e.g. \"3\"): the change is refused with 412 "
                            "when someone else changed the record since."))
        return parameters

    def _get_response_bodies(self, direction="response") -> dict:
        from .errors import ErrorOut

        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorOut, "response").ref
        for status in sorted(self.error_statuses()):
            responses.setdefault(str(status), {
                "description": ERROR_DESCRIPTIONS.get(status, ""),
                "content": {"application/json": {"schema": error}},
            })
        return responses


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenScheme(OpenApiAuthenticationExtension):
        target_class = "core.users.authentication.ApiTokenAuthentication"
        name = "apiToken"

        def get_security_definition(self, auto_schema):
            return {"type": "http", "scheme": "bearer", "bearerFormat": "gx_…",
                    "description": "A personal API token: `Authorization: Bearer gx_…`."}

    class SessionScheme(OpenApiAuthenticationExtension):
        target_class = "core.users.authentication.SessionAuthentication"
        name = "session"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                    "description": "The browser session (CSRF token required on writes)."}
except ImportError:  # pragma: no cover
    pass
