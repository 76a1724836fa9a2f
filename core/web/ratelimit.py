"""The client's address, and small fixed-window rate limits for web forms and logins.

`client_address` is the one answer to "who is asking" for rate limits (these and the API's DRF
throttles, core.api.throttles) and for the audit log (core.audit.context). Behind a proxy
REMOTE_ADDR is the proxy's own address, so every visitor would share one counter; with
`GUANXI_NUM_PROXIES = N` trusted proxies in front, the client is the Nth entry of X-Forwarded-For
counted from the right, exactly as DRF's NUM_PROXIES picks it (entries further left were written by
the client and prove nothing). With 0 the header is ignored: anyone could write any address in it.

Counters are per workspace (the connection's schema), so one workspace's visitors never use up
another's limit.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

from core.api.clients import client_address


def _schema() -> str:
    return getattr(connection, "schema_name", "") or "public"


def _count(key: str, window_seconds: int) -> int:
    """Add one to the counter `key` (started with a window of `window_seconds`) and return it."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def too_many(request: HttpRequest, scope: str, *, limit: int, window_seconds: int, extra: str = "") -> bool:
    """Count one attempt for (workspace, scope, client, extra); True once more than `limit` fell in the window."""
    key = f"ratelimit:{_schema()}:{scope}:{client_address(request) or 'unknown'}:{extra}"
    return _count(key, window_seconds) > limit


def subject_key(scope: str, subject: str) -> str:
    """The counter of `subject` (an email someone typed) in this workspace, whoever asks; the subject is
    hashed, so the cache holds no addresses and no key grows with what was typed."""
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{_schema()}:{scope}:subject:{digest}"


def subject_over_limit(scope: str, subject: str, *, limit: int) -> bool:
    """True when `limit` events were already counted for `subject` in the current window."""
    return (cache.get(subject_key(scope, subject)) or 0) >= limit


def count_for_subject(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one event (a failed login, a reset email) for `subject`; the number in the window."""
    return _count(subject_key(scope, subject), window_seconds)
