"""Shared helpers for web forms that call services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.api.errors import ApplicationError


def field_for_error(form: forms.Form, path: str | None) -> str | None:
    """The input an error path belongs to: the field of that name, else of its nearest parent path.

    Custom field inputs are named like their path (`custom.<key>`), so `custom.<key>` lands on its input
    and a deeper path (`custom.<key>.amount`) on the same one; anything else is a form-wide error.
    """
    while path:
        if path in form.fields:
            return path
        path, _dot, _rest = path.rpartition(".")
    return None


def add_service_errors(form: forms.Form, error: Exception) -> None:
    """Show a service's errors next to the fields they name (the same errors the API returns)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field_for_error(form, field), errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error)
    elif isinstance(error, ApplicationError):
        placed = False
        for item in error.fields:
            name = field_for_error(form, item.get("path"))
            if name is not None:
                form.add_error(name, ValidationError(item["message"], code=item["code"]))
                placed = True
        if not placed:
            form.add_error(None, ValidationError(error.message, code=error.code))
    else:
        raise error
