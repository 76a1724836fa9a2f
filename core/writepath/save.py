"""The one write path: every create, change and delete of a CRM record, whoever asks.

Web forms, the API, the board, imports, conversions, approvals, automations and plugins all end in
`save_record` / `delete_record` (through the services of each app). That one place:

1. decides permission itself: the actor may create this kind of record (`EntityType.may_create`), or
   the record is in the actor's write scope (`EntityType.write`, checked under the row lock); and every
   field the caller sends is one the actor's role may write — built-in (`EntityType.readable_fields`)
   and custom (`visible_to` / `editable_by`) alike, refused whatever the value;
2. validates: the service's own checks run in `prepare` against the locked, current row; custom field
   values are validated against the workspace configuration on every save (also when none are sent,
   so required fields always hold), unique values under an advisory lock;
3. writes in one transaction only what changed: the changed columns, and the changed custom keys
   merged into the stored document by the database, so two people changing different fields of one
   record both keep their change; a stale `version` (If-Match, a web form opened before someone
   else saved) is refused with the record's current version instead of overwriting;
4. leaves the trail (core.entities.trail): field history, an audit entry and the domain event, masked
   by the field types, after commit only.

A test reads the code (tests/test_write_path.py) and fails when a CRM model is written anywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access.scoping import access_of, no_such_record, record_id, require
from core.customization.plugins import validate_with_plugins
from core.entities.registry import EntityType, registry
from core.entities.trail import masked, record_trail
from core.users.models import User

from .versions import StaleVersion

Prepare = Callable[[models.Model, dict[str, Any]], "str | None"]  # may name the change's action
NOT_SENT = object()


def _refuse_fields(entity: EntityType, actor: User, fields: Iterable[str]) -> None:
    """Built-in fields the role may not read are unknown to it; fields it may read it may write."""
    readable = entity.readable_fields(access_of(actor))
    if readable is None:
        return
    hidden = [field for field in fields if field.removesuffix("_id") not in readable and field != "custom"]
    if hidden:
        raise ValidationError({field: ValidationError(_("“%(field)s” is not a field of this record.") % {
            "field": field}, code="unknown_field") for field in hidden})


def _lock(entity: EntityType, actor: User, pk: Any, scope: QuerySet | None = None) -> models.Model:
    """The record under a row lock, if it is in the actor's write scope (or the use case's `scope`);
    else the 404 / 403 it deserves."""
    number = record_id(pk)
    if number is None:
        raise no_such_record(None)
    writable = entity.write(actor=actor) if scope is None else scope
    locked = writable.select_for_update(of=("self",)).filter(pk=number).first()
    if locked is None:
        if entity.read(actor=actor).filter(pk=number).exists():
            raise PermissionDenied(_("You can read this record but not change it."))
        raise Http404(_("Not found."))
    return locked


def lock_record(*, actor: User, entity: str, instance: models.Model | Any, scope: QuerySet | None = None,
                version: int | None = None) -> models.Model:
    """Lock one record the actor may change, inside the caller's transaction (for changes beside its
    columns: shares, campaign members); a stale `version` is refused."""
    record = _lock(registry.get(entity), actor, getattr(instance, "pk", instance), scope)
    if version is not None and record.version != version:
        raise StaleVersion(record)
    return record


def _concrete(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
            if f.attname != "custom"}


def save_record(
    *,
    actor: User,
    entity: str,
    cleaned: dict[str, Any],
    instance: models.Model | None = None,
    creating: bool = False,
    version: int | None = None,
    prepare: Prepare | None = None,
    before_save: Callable[[models.Model], None] | None = None,
    after_save: Callable[[models.Model], None] | None = None,
    action: str | None = None,
    checked: bool = False,
    scope: QuerySet | None = None,
    notes: Mapping[str, tuple[Any, Any]] | None = None,
) -> models.Model:
    """Create (`creating=True`, `instance` an unsaved model) or change (`instance` the record or its pk).

    `cleaned` holds the caller's values (already converted by the service's field specs); their keys
    are checked against the actor's field permissions unless `checked` (values the service derived
    itself, never from the user: a stage's probability, a claim's owner). `prepare(record, cleaned)`
    runs inside the transaction on the locked, current record and may add derived values, raise
    ValidationError, or return the action the change turned out to be (a deal's `stage_changed`); `before_save(record)` derives columns (search tokens) from the final values;
    `after_save(record)` writes what belongs with the record (a deal's stage history). `scope` replaces
    the actor's write scope for a use case with its own (claiming from the pool); `action` names it in
    the audit log and the event, `notes` adds facts to its audit entry (what a merge moved).
    """
    kind = registry.get(entity)
    cleaned = dict(cleaned)
    if not checked:
        _refuse_fields(kind, actor, cleaned)
    with transaction.atomic():
        if creating:
            require(kind.may_create(access_of(actor)))
            record = instance if instance is not None else kind.model()
        else:
            record = _lock(kind, actor, getattr(instance, "pk", instance), scope)
            if version is not None and record.version != version:
                raise StaleVersion(record)
        if prepare is not None:
            action = prepare(record, cleaned) or action
        custom_set, custom_removed, custom_changes = {}, [], {}
        if kind.customizable:
            cleaned, custom_set, custom_removed, custom_changes = _with_custom(actor, entity, record, cleaned,
                                                                               creating)
        before = {} if creating else _concrete(record)
        for field, value in cleaned.items():
            setattr(record, field, value)
        if creating and hasattr(record, "created_by_id") and record.created_by_id is None:
            record.created_by = actor
        if before_save:
            before_save(record)
        after = _concrete(record)
        internal = {kind.model._meta.get_field(name).attname for name in kind.internal
                    if _has_field(kind.model, name)}
        if creating:
            diff = {field.removesuffix("_id") if field.endswith("_id") else field: (None, value)
                    for field, value in after.items()
                    if field not in internal and field != "id" and value not in (None, "", [], {})
                    and _sent_or_derived(field, cleaned)}
        else:
            diff = {field: (before[field], value) for field, value in after.items()
                    if before[field] != value and field not in internal}
        diff.update(custom_changes)
        if not creating and not diff and not notes:
            return record
        validate_with_plugins(entity=entity, record=record, changes=masked(entity, diff), actor=actor)
        if custom_changes:
            from core.customization.records import lock_unique

            lock_unique(entity, record)
        if creating:
            record.save(force_insert=True)
        elif diff:
            _write_changes(record, before, after, custom_set, custom_removed)
        if after_save:
            after_save(record)
        record_trail(actor=actor, entity=entity, record_id=record.pk, label=kind.title(record),
                     action=action or ("create" if creating else "update"), changes=diff, notes=notes,
                     version=getattr(record, "version", None))
    return record


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def _sent_or_derived(attname: str, cleaned: Mapping[str, Any]) -> bool:
    """A create's history lists what was given or derived from it, not every column's default."""
    return attname in cleaned or attname.removesuffix("_id") in cleaned


def _write_changes(record: models.Model, before: Mapping[str, Any], after: Mapping[str, Any],
                   custom_set: Mapping[str, Any], custom_removed: list[str]) -> None:
    """UPDATE only the changed columns and custom keys, raise the version; the in-memory record follows."""
    columns = {field: value for field, value in after.items() if before[field] != value}
    updates: dict[str, Any] = dict(columns)
    names = {f.attname for f in record._meta.concrete_fields}
    if custom_set or custom_removed:
        updates["custom"] = JsonbMerge(F("custom"), removed=custom_removed, added=custom_set)
    if "updated_at" in names:
        record.updated_at = updates["updated_at"] = timezone.now()
    updates["version"] = F("version") + 1
    type(record)._base_manager.filter(pk=record.pk).update(**updates)
    record.version = before["version"] + 1
    if custom_set or custom_removed:
        stored = dict(record.custom or {})
        for key in custom_removed:
            stored.pop(key, None)
        stored.update(custom_set)
        record.custom = stored


class JsonbMerge(models.Func):
    """`(custom - removed keys) || added keys`: only the changed keys of the stored document are touched."""

    output_field = models.JSONField()

    def __init__(self, expression: Any, *, removed: list[str], added: Mapping[str, Any]):
        super().__init__(expression)
        self.removed, self.added = list(removed), dict(added)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        sql = f"((COALESCE({column}, '{{}}'::jsonb) - %s::text[]) || %s::jsonb)"
        return sql, (*params, self.removed, json.dumps(self.added))


def _with_custom(actor: User, entity: str, record: models.Model, cleaned: dict[str, Any], creating: bool,
                 ) -> tuple[dict[str, Any], dict[str, Any], list[str], dict[str, tuple[Any, Any]]]:
    """Validate the custom values (a partial update merged into the stored ones); raise every error at once.

    Returns the cleaned values (with the whole `custom` document when creating), the custom keys to set
    and to remove, and their masked changes for the trail.
    """
    from core.customization.records import clean_custom, custom_history

    cleaned = dict(cleaned)
    payload = cleaned.pop("custom", None)
    builtin = {key.removesuffix("_id"): value for key, value in cleaned.items()}
    custom, errors = clean_custom(entity=entity, actor=actor, instance=record, payload=payload,
                                  creating=creating, builtin=builtin)
    if errors:
        raise ValidationError({field: [ValidationError(message, code="invalid") for message in messages]
                               for field, messages in errors.items()})
    before = {} if creating else (getattr(record, "custom", None) or {})
    history = custom_history(before, custom, entity)
    keys = [field.removeprefix("custom.") for field in history]
    if creating:
        cleaned["custom"] = dict(custom)
        return cleaned, {}, [], history
    added = {key: custom[key] for key in keys if key in custom}
    removed = [key for key in keys if key not in custom]
    return cleaned, added, removed, history


def delete_record(*, actor: User, entity: str, instance: models.Model | Any, version: int | None = None,
                  scope: QuerySet | None = None) -> None:
    """Delete a record in the actor's write scope (or the use case's narrower `scope`), locked and
    version-checked, with its audit entry and event."""
    kind = registry.get(entity)
    with transaction.atomic():
        record = _lock(kind, actor, getattr(instance, "pk", instance), scope)
        if version is not None and record.version != version:
            raise StaleVersion(record)
        record_pk, label = record.pk, kind.title(record)
        try:
            with transaction.atomic():
                record.delete()
        except models.ProtectedError:
            raise ValidationError(_("This record still has related records; move or delete them first."),
                                  code="protected") from None
        record_trail(actor=actor, entity=entity, record_id=record_pk, label=label, action="delete", changes={},
                     history=False)
