"""The language and time zone of a request: the user's setting, else the workspace's, else the browser's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


def preferred_language(request: HttpRequest, user=None) -> str:
    """The user's setting, else the language picked in the footer, else the workspace's, else the browser's."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return user.language
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and translation.check_for_language(chosen) and chosen in dict(settings.LANGUAGES):
        return chosen
    tenant = getattr(request, "tenant", None)
    if tenant is not None and getattr(tenant, "default_language", "") and not getattr(request, "is_public", False):
        return tenant.default_language
    return translation.get_language_from_request(request)


def preferred_time_zone(request: HttpRequest, user=None) -> str:
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.time_zone:
        return user.time_zone
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "time_zone", "") or settings.GUANXI_DEFAULT_TIME_ZONE


def activate_for(request: HttpRequest, user=None) -> None:
    language = preferred_language(request, user)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    try:
        timezone.activate(zoneinfo.ZoneInfo(preferred_time_zone(request, user)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate_for(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary = response.get("Vary")
        response["Vary"] = f"{patch_vary}, Accept-Language" if patch_vary else "Accept-Language"
        translation.deactivate()
        timezone.deactivate()
        return response
