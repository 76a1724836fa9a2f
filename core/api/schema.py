"""OpenAPI generation: unique operation ids and list responses for our generic record views."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema


class GuanxiAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        """`AccountListView` + GET → `account_list_get`: unique across views sharing one path pattern."""
        name = type(self.view).__name__.removesuffix("View")
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
        return f"{snake}_{self.method.lower()}"

    def _is_list_view(self, serializer=None) -> bool:
        """Views that answer GET with a page of records say so with `lists_records = True`."""
        if getattr(self.view, "lists_records", False) and self.method == "GET":
            return True
        return super()._is_list_view(serializer)


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
