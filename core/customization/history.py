"""A record's field history as one reader may see it: only the fields their role may read.

Values in the history are stored masked already (core.entities.trail); what this adds is the role's
view: built-in fields outside its readable set (finance and a person's phones) and custom fields hidden
from it by `visible_to` are left out entirely — also from counts and limits, since the filter runs in
the query. Every timeline, history answer and "changed meanwhile" notice reads through here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.access.scoping import access_of
from core.audit.models import FieldChange
from core.audit.selectors import field_changes
from core.entities.registry import registry

from .current import current_config


def readable_fields_q(actor: Any, entity: str) -> Q:
    """The history rows of `entity` the actor's role may read, as a filter on FieldChange.field."""
    access = access_of(actor)
    role = access.role or ""
    readable = registry.get(entity).readable_fields(access)
    custom = [f"custom.{field.key}" for field in current_config().fields(entity).all_fields() if field.can_see(role)]
    builtin = ~Q(field__startswith="custom.") if readable is None else Q(field__in=sorted(readable))
    return builtin | Q(field__in=custom)


def readable_history(*, actor: Any, entity: str, record_id: int) -> QuerySet[FieldChange]:
    """A record's field history, newest first, without the fields the reader may not read.

    The caller has checked that the record is visible (it fetched it through a scoped selector).
    """
    return field_changes(entity=entity, record_id=record_id).filter(readable_fields_q(actor, entity))


def changes_since(*, actor: Any, entity: str, record_id: int, version: int) -> list[FieldChange]:
    """What others changed after `version` (a form opened then), oldest first, as the reader may see it."""
    return list(readable_history(actor=actor, entity=entity, record_id=record_id)
                .filter(record_version__gt=version).order_by("created_at", "id")[:100])
