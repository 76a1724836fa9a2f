"""Rate limits for unauthenticated entry points that cost a lot or guess passwords.

Every throttle keys on `core.api.clients.client_address` (the address the trusted proxies saw, the
same one the web forms and the audit log use) and on the workspace, so one workspace's visitors never
use up another's limit.
"""

from django.db import connection
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from core.api.clients import client_address


class ClientAddressThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, keyed on (workspace, client address) instead of DRF's own guess."""

    def get_ident(self, request: Request) -> str:
        return client_address(request._request) or "unknown"

    def get_cache_key(self, request: Request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        schema = getattr(connection, "schema_name", "") or "public"
        return self.cache_format % {"scope": f"{self.scope}_{schema}", "ident": self.get_ident(request)}


class SignupThrottle(ClientAddressThrottle):
    scope = "signup"


class LoginThrottle(ClientAddressThrottle):
    scope = "login"
