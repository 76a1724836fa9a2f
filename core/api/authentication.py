"""API authentication: personal tokens for scripts, the session for the browser.

Tokens live in the workspace's schema, so a token of workspace A is unknown on B's host.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.users.middleware import activate_for
from core.users.models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per token per minute


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not raw.strip():
            return None
        raw = raw.strip()
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        activate_for(request._request, token.user)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session auth (CSRF enforced), answering 401 instead of 403 when nobody is logged in."""

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="api"'
