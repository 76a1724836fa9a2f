"""Record versions: every write raises a record's `version` by one; a stale one is refused, not overwritten.

The API sends the version as the ETag of a record (`ETag: "7"`) and takes it back in `If-Match` on
PATCH, PUT and DELETE; web forms carry it in a hidden input. A write naming an older version than the
stored one is refused with 412 and the current version, so nobody silently overwrites a colleague's
change; the web form then shows what changed meanwhile (`changes_since`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from rest_framework import status

from core.api.errors import ApplicationError


class StaleVersion(ApplicationError):
    """Someone else saved the record since the version the caller had: 412 with the current version."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "stale_version"

    def __init__(self, record: Model):
        self.record = record
        self.current_version = record.version
        super().__init__(_("Someone else changed this record in the meantime (it is now at version %(version)d). "
                           "Reload it, check the changes, and save again.") % {"version": record.version},
                         fields=[{"path": "version", "code": "stale_version",
                                  "message": _("The current version is %(version)d.") % {"version": record.version}}],
                         headers={"ETag": etag(record)})


def etag(record: Model) -> str:
    """The ETag of a record: its version, quoted (a strong validator)."""
    return f'"{record.version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match header names (`"7"`, `W/"7"` or `7`); None for no header or `*`.

    An unreadable value is a 412 too: the client asked for a condition we cannot confirm.
    """
    if header is None:
        return None
    value = header.strip()
    if value in ("", "*"):
        return None
    value = value.split(",")[0].strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 18:
        raise ApplicationError(_("If-Match must be the record's ETag, for example \"3\"."), code="invalid_if_match")
    return int(value)


def parse_version(raw: Any) -> int | None:
    """A version from a web form's hidden input (empty: no check)."""
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None
