"""Shared helpers for web forms that call services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.api.errors import ApplicationError


def add_service_errors(form: forms.Form, error: Exception) -> None:
    """Show a service's errors next to the fields they name (the same errors the API returns)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error)
    elif isinstance(error, ApplicationError):
        placed = False
        for item in error.fields:
            if item.get("path") in form.fields:
                form.add_error(item["path"], ValidationError(item["message"], code=item["code"]))
                placed = True
        if not placed:
            form.add_error(None, ValidationError(error.message, code=error.code))
    else:
        raise error
