"""The one write path's shared steps: permission, validation, one transaction, history, audit, event.

Every service in core.records.services builds on `save_record` / `delete_record`, so the web form,
the API, the board, imports and the demo seeder cannot skip a step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.entities.registry import registry
from core.entities.trail import record_trail
from core.users.models import User


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {field: (before.get(field), value) for field, value in after.items() if before.get(field) != value}


def save_record(
    *,
    actor: User,
    entity: str,
    instance: models.Model,
    cleaned: dict[str, Any],
    creating: bool,
    before_save: Callable[[models.Model], None] | None = None,
    after_save: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Apply validated values and write: one transaction with field history and audit; event after commit.

    For customizable entities the custom field values are validated here, whichever service called —
    also when the payload has none, so required and conditionally required fields always hold.
    """
    custom_changes: dict[str, tuple[Any, Any]] = {}
    if registry.get(entity).customizable:
        cleaned, custom_changes = _with_custom(actor, entity, instance, cleaned, creating)
    before = {} if creating else snapshot(instance, [k for k in cleaned if k != "custom"])
    for field, value in cleaned.items():
        setattr(instance, field, value)
    if creating and hasattr(instance, "created_by_id"):
        instance.created_by = actor
    plain_cleaned = {k: v for k, v in cleaned.items() if k != "custom"}
    diff = changed(before, plain_cleaned) if not creating else {
        k: (None, v) for k, v in plain_cleaned.items() if v not in (None, "", [], {})}
    diff.update(custom_changes)
    if not creating and not diff:
        return instance
    with transaction.atomic():
        if before_save:
            before_save(instance)
        if custom_changes:
            from core.customization.records import lock_unique

            lock_unique(entity, instance)
        instance.save()
        if after_save:
            after_save(instance)
        record_trail(actor=actor, entity=entity, record_id=instance.pk, label=str(instance),
                     action="create" if creating else "update", changes=diff)
    return instance


def _with_custom(actor: User, entity: str, instance: models.Model, cleaned: dict[str, Any],
                 creating: bool) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """Validate the custom values (a partial update merged into the stored ones); raise every error at once."""
    from core.customization.records import clean_custom, custom_history

    cleaned = dict(cleaned)
    payload = cleaned.pop("custom", None)
    builtin = {key.removesuffix("_id"): value for key, value in cleaned.items()}
    custom, errors = clean_custom(entity=entity, actor=actor, instance=instance, payload=payload,
                                  creating=creating, builtin=builtin)
    if errors:
        raise ValidationError({field: [ValidationError(message, code="invalid") for message in messages]
                               for field, messages in errors.items()})
    before = {} if creating else (getattr(instance, "custom", None) or {})
    history = custom_history(before, custom, entity)
    if history or creating:
        cleaned["custom"] = custom
    return cleaned, history


def delete_record(*, actor: User, entity: str, instance: models.Model) -> None:
    record_id, label = instance.pk, str(instance)
    with transaction.atomic():
        try:
            instance.delete()
        except models.ProtectedError:
            raise ValidationError(_("This record still has related records; move or delete them first."),
                                  code="protected") from None
        record_trail(actor=actor, entity=entity, record_id=record_id, label=label, action="delete", changes={},
                     history=False)
