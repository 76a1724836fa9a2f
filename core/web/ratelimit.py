"""A small fixed-window rate limit for web forms (the API uses DRF's throttles with the same cache)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many(request: HttpRequest, scope: str, *, limit: int, window_seconds: int, extra: str = "") -> bool:
    """Count one attempt for (scope, client, extra); True once more than `limit` fell in the window."""
    key = f"ratelimit:{scope}:{client_address(request)}:{extra}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return False
    return count > limit
