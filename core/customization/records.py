"""Custom field values on records: validated on every write, encrypted when sensitive, hidden by role.

The write path (core.entities.fields.clean, used by every service) calls `clean_custom`; it returns
the complete `custom` dict to store or the errors keyed `custom.<key>`, each naming the field by its
label in the user's language. Database checks run here too: a `user` field names an active user, a
`link` an existing record, a `unique` value is not stored on another record — the last one again under
a transaction-scoped advisory lock at save time (`lock_unique`), so concurrent creates cannot both win.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from core.api.inputs import json_problems
from core.crypto.cipher import decrypt, encrypt
from core.entities.registry import registry

from .current import current_config

ENCRYPTED = "$enc"


class ValidatedCustom(dict):
    """A custom dict that went through clean_custom (the write path refuses any other)."""


def encrypt_value(value: Any) -> Any:
    return {ENCRYPTED: encrypt(json.dumps(value, ensure_ascii=False), "custom")}


def decrypt_value(value: Any) -> Any:
    if isinstance(value, Mapping) and ENCRYPTED in value and len(value) == 1:
        return json.loads(decrypt(value[ENCRYPTED], "custom"))
    return value


def plain(custom: Mapping[str, Any] | None) -> dict[str, Any]:
    """Stored custom values with sensitive ones decrypted (for validation and for revealing)."""
    return {key: decrypt_value(value) for key, value in (custom or {}).items()}


def _sealed(entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    sensitive = current_config().fields(entity).sensitive_keys
    return {key: encrypt_value(value) if key in sensitive and value is not None else value
            for key, value in values.items()}


def _model(entity: str) -> type[models.Model]:
    return registry.model(entity)


def _db_errors(entity: str, instance: models.Model, values: Mapping[str, Any], changed: set[str],
               errors: dict[str, list[str]], actor: Any = None) -> None:
    """User and link references exist, unique values are free (only for values that changed).

    A link must name a record the actor may see: a hidden one gets the same "no such record" as an
    absent one. A taken unique value says only that some record has it, never which.
    """
    fields = current_config().fields(entity)
    from core.users.models import User

    for key in changed:
        value = values.get(key)
        if value is None:
            continue
        field = fields.get(key)
        if field is None:
            continue
        label = field.label()
        if key in fields.user_keys and not User.objects.filter(pk=value, is_active=True).exists():
            errors.setdefault(f"custom.{key}", []).append(
                _("%(field)s: this user is not an active member of the workspace.") % {"field": label})
        elif key in fields.link_entities:
            target = registry.find(fields.link_entities[key])
            visible = target.read(actor=actor) if target is not None and actor is not None else None
            if visible is None or not visible.filter(pk=value).exists():
                errors.setdefault(f"custom.{key}", []).append(
                    _("%(field)s: no such record.") % {"field": label})
        if key in fields.unique_keys and _taken(entity, instance, key, value):
            errors.setdefault(f"custom.{key}", []).append(
                _("%(field)s: another record already has this value.") % {"field": label})


def _taken(entity: str, instance: models.Model, key: str, value: Any) -> bool:
    qs = _model(entity).objects.filter(**{f"custom__{key}": value})
    if instance.pk:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def builtin_values(instance: models.Model) -> dict[str, Any]:
    """A record's built-in values by field name (foreign keys as ids), for conditions."""
    return {f.name: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name != "custom"}


def clean_custom(*, entity: str, actor: Any, instance: models.Model | None, payload: Any, creating: bool,
                 builtin: Mapping[str, Any] | None = None) -> tuple[ValidatedCustom, dict[str, list[str]]]:
    """Validate a (partial) custom payload against the stored values: (values to store, errors)."""
    from core.access.scoping import access_of

    fields = current_config().fields(entity)
    existing = plain(getattr(instance, "custom", None)) if instance is not None and not creating else {}
    values = {**(builtin_values(instance) if instance is not None else {}), **(builtin or {})}
    linked: list[dict[str, Any] | None] = []  # the account, read only when a condition asks for it

    def resolve(path: str) -> Any:
        if path.startswith("account."):
            rest = path.removeprefix("account.")
            if not linked:
                linked.append(_account_values(values, actor))
            account = linked[0]
            if account is None:
                return None
            if rest.startswith("custom."):
                return plain(account.get("custom")).get(rest.removeprefix("custom."))
            return account.get(rest)
        return values.get(path)

    role = access_of(actor).role or ""
    result, errors = fields.clean(payload if payload is not None else None, existing=existing, role=role,
                                  creating=creating, resolve_builtin=resolve)
    for key, value in (payload.items() if isinstance(payload, Mapping) else ()):
        # text JSONB cannot hold (a NUL character): a web form passes inputs as typed, the API's parser
        # has already refused them
        for problem in json_problems(value)[:1]:
            errors.setdefault(f"custom.{key}", [problem["message"]])
    changed = {key for key in result if result.get(key) != existing.get(key)}
    _db_errors(entity, instance or _model(entity)(), result, changed, errors, actor)
    return ValidatedCustom(_sealed(entity, result)), errors


def _account_values(values: Mapping[str, Any], actor: Any) -> dict[str, Any] | None:
    """The record's account as the actor sees it (a condition never answers from an account hidden from them)."""
    account_id = values.get("account")
    if not account_id:
        return None
    account = registry.get("account").read(actor=actor).filter(pk=account_id).first()
    return builtin_values(account) | {"custom": account.custom} if account else None


def lock_unique(entity: str, instance: models.Model) -> None:
    """Inside the saving transaction: serialize writers of the same unique value, then check it is free.

    Two concurrent creates with one value both pass clean_custom; the advisory lock makes the second wait
    for the first to commit, after which it sees the value taken and fails with the field's error.
    """
    from django.core.exceptions import ValidationError

    fields = current_config().fields(entity)
    if not fields.unique_keys:
        return
    values = plain(instance.custom)
    errors: dict[str, list[str]] = {}
    for key in sorted(fields.unique_keys):
        value = values.get(key)
        if value is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"{connection.schema_name}:{entity}:{key}:{json.dumps(value, sort_keys=True)}"])
        if _taken(entity, instance, key, value):
            errors.setdefault(f"custom.{key}", []).append(
                _("%(field)s: another record already has this value.") % {"field": fields.label(key)})
    if errors:
        raise ValidationError(errors)


def custom_out(entity: str, custom: Mapping[str, Any] | None, *, role: str, may_reveal: bool = False) -> dict:
    """What a role reads of a record's custom values: hidden fields removed, sensitive ones masked."""
    if not custom:
        return {}  # most rows of a list page: no values, nothing to look up
    return current_config().fields(entity).visible(plain(custom), role, may_reveal)


def custom_history(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                   entity: str) -> dict[str, tuple[Any, Any]]:
    """Per-key changes of the custom values (sensitive ones masked), for field history and the audit log."""
    fields = current_config().fields(entity)
    old, new = plain(before), plain(after)
    changes: dict[str, tuple[Any, Any]] = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            field = fields.get(key, archived=True)
            if key in fields.sensitive_keys and field is not None:
                changes[f"custom.{key}"] = (field.type.mask(old.get(key)), field.type.mask(new.get(key)))
            else:
                changes[f"custom.{key}"] = (old.get(key), new.get(key))
    return changes

