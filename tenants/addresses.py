"""Rules for a workspace address (`acme` in acme.guanxi.example): one place, form and API alike."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESERVED = frozenset(
    {
        "www", "api", "app", "admin", "ops", "static", "media", "public", "mail", "email", "smtp",
        "billing", "help", "status", "support", "docs", "blog", "signup", "login", "auth", "account",
        "accounts", "dashboard", "console", "cdn", "assets", "dev", "test", "staging", "demo-template",
        "root", "system", "guanxi", "webhook", "webhooks", "stripe", "ftp", "ns1", "ns2", "localhost",
        "tenant-template", "template", "pg", "postgres",
    }
)
PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")  # use fullmatch: `$` allows a final newline


def reserved_addresses() -> frozenset[str]:
    return RESERVED | {settings.TENANT_BASE_SCHEMA, settings.TENANT_BASE_SCHEMA.replace("_", "-")}


def validate_workspace_address(value: str) -> str:
    """Return the normalized address or raise ValidationError with one specific code."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Choose a workspace address."), code="required")
    if value != value.lower():
        raise ValidationError(
            _("Use lowercase letters only, for example “%(example)s”.") % {"example": value.lower()},
            code="lowercase",
        )
    if not 3 <= len(value) <= 30:
        raise ValidationError(
            _("The address must be 3 to 30 characters long (it has %(n)d).") % {"n": len(value)},
            code="length",
        )
    if value.startswith("-") or value.endswith("-"):
        raise ValidationError(_("The address cannot start or end with a hyphen."), code="hyphen_edge")
    if not PATTERN.fullmatch(value):
        raise ValidationError(
            _("Use only lowercase letters a–z, digits 0–9 and hyphens."), code="invalid_characters"
        )
    if value in reserved_addresses():
        raise ValidationError(_("“%(value)s” is reserved. Please choose another address.") % {"value": value},
                              code="reserved")
    return value


def schema_name_for(address: str) -> str:
    """PostgreSQL schema of a workspace: hyphens become underscores, with a prefix no reserved name has."""
    return "ws_" + address.replace("-", "_")
