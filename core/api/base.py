"""Base API views. The scoped queryset is the only way to reach data (after PostHog).

Subclasses declare `scoped_queryset(self)`, which must filter by what `self.request.user` may see;
overriding `get_queryset` or `get_object` is refused when the class is defined. An escape hatch, if
one is ever needed, must be named `dangerously_*` so that it stands out in review.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import generics, views
from rest_framework.request import Request

from .errors import ApplicationError
from .inputs import query_problems


class ScopedQuerysetError(TypeError):
    pass


class CheckedQueryMixin:
    """Refuses a query string PostgreSQL would refuse (NUL characters) before the view reads it.

    Checked after authentication and permissions, so a stranger still gets 401 and the user reads the
    error in their language (a token's user is only known here, not in a middleware)."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        problems = query_problems(request.query_params.lists())
        if problems:
            raise ApplicationError(_("Some fields are not valid."), code="validation_error", fields=problems)


class WorkspaceAPIView(CheckedQueryMixin, views.APIView):
    """A view of the workspace API: tenant-routed, authenticated, in the one error shape."""


class ScopedGenericAPIView(CheckedQueryMixin, generics.GenericAPIView):
    """Reads go through `scoped_queryset`; objects outside it answer 404 like absent ones."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for forbidden in ("get_queryset", "get_object"):
            if forbidden in cls.__dict__:
                raise ScopedQuerysetError(
                    f"{cls.__name__} overrides {forbidden}; implement scoped_queryset() instead."
                )

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must implement scoped_queryset()")

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a dict: every write endpoint takes a JSON object, anything else is a 400."""
    if not isinstance(request.data, dict):
        raise ValidationError(_("Send a JSON object."))
    return dict(request.data)
