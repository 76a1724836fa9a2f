"""API authentication: personal tokens for scripts, the session for the browser.

Tokens live in the workspace's schema, so a token of workspace A is unknown on B's host.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.users.middleware import activate_for
from core.users.models import ApiToken, User
from guanxi import rows

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
        token = _active_token(raw.strip())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        activate_for(request._request, token.user)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


_token_sql: str | None = None


def _active_token(raw: str) -> ApiToken | None:
    """The unrevoked token with this digest and its user, in one statement (guanxi.rows: every API
    request makes it, and the ORM's compiler would cost several times the lookup)."""
    global _token_sql
    if _token_sql is None:
        _token_sql = (f"SELECT {rows.columns(ApiToken, 't')}, {rows.columns(User, 'u')} "  # noqa: S608 (model names)
                      f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
                      "WHERE t.digest = %s AND t.revoked_at IS NULL")
    with connection.cursor() as cursor:
        cursor.execute(_token_sql, [ApiToken.digest_of(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    split = rows.width(ApiToken)
    token = rows.instance(ApiToken, row[:split])
    token.user = rows.instance(User, row[split:])
    return token


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session auth (CSRF enforced), answering 401 instead of 403 when nobody is logged in."""

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="api"'
