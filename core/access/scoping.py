"""The scoping kernel: the actor's access, refusals, and fetching one record through a scoped queryset.

Every selector and service of every app reaches single records through `access_record` (reads) or
`access_record_for_write` (changes). A record outside the actor's scope is reported exactly like one
that does not exist: the same `Http404` (or, for a reference inside a payload, the same field error),
raised from the same query, so neither message nor timing tells them apart (after Zulip).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.users.models import User

from .policy import Access

MAX_ID = 2**63 - 1  # ids are bigints: a larger number names no record (and must not reach PostgreSQL)


def access_of(actor: User) -> Access:
    """The actor's Access, computed once per request (memoized on the user object)."""
    access = getattr(actor, "_guanxi_access", None)
    if access is None:
        access = Access(actor)
        actor._guanxi_access = access
    return access


def not_allowed() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def require(condition: bool) -> None:
    """Refuse with the one "not allowed" message unless `condition` holds."""
    if not condition:
        raise not_allowed()


def record_id(pk: Any) -> int | None:
    """`pk` as a record id, or None when it cannot name one (not a whole number, out of range)."""
    if isinstance(pk, bool):
        return None
    try:
        number = int(getattr(pk, "pk", pk))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def no_such_record(field: str | None) -> Exception:
    """The one answer for "absent" and "not yours": a 404, or a field error inside a payload."""
    if field:
        return ValidationError({field: ValidationError(_("No such record."), code="does_not_exist")})
    return Http404(_("Not found."))


def access_record(qs: QuerySet, pk: Any, field: str | None = None) -> Model:
    """The record `pk` of the scoped queryset `qs`, or the "no such record" answer."""
    number = record_id(pk)
    if number is None:
        raise no_such_record(field)
    try:
        return qs.get(pk=number)
    except qs.model.DoesNotExist:
        raise no_such_record(field) from None


def access_record_for_write(read_qs: QuerySet, write_qs: QuerySet, pk: Any, field: str | None = None) -> Model:
    """Visible but not changeable: 403 (a field error inside a payload). Not visible: the same 404 as absent."""
    record = access_record(read_qs, pk, field)
    if not write_qs.filter(pk=record.pk).exists():
        if field:
            raise ValidationError({field: ValidationError(_("You cannot change this record."), code="read_only")})
        raise PermissionDenied(_("You can read this record but not change it."))
    return record


def may(lookup: Callable[[], Any]) -> bool:
    """Whether a scoped lookup lets the actor through (to show or hide a button; the server decides)."""
    try:
        lookup()
    except (PermissionDenied, Http404, ValidationError):
        return False
    return True
