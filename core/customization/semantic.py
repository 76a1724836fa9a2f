"""The second validation layer: what JSON Schema cannot say about a configuration document.

Keys unique where they must be; referenced fields, stages and paths exist; field specs compile; and,
against the stored data, that the change loses nothing: a field's new type must convert every stored
value, an option in use cannot disappear, a new `unique` must hold for the stored values, and a stage
or pipeline holding deals cannot go without saying where its deals move. Every problem is a
ConfigError with a JSON path and a message in the admin's language; nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from core.entities.registry import registry

from . import conditions
from .compiled import compile_fields
from .fieldtypes import FieldSpecError
from .schema import ConfigError, json_path

MAX_CONDITION_DEPTH = 10
HIDDEN_BUILTINS = {"custom", "search_tokens", "id", "name_key", "merged_into"}


def entity_models() -> dict[str, type[models.Model]]:
    """The models of the entities with custom fields, from the entity registry."""
    return {entity.key: entity.model for entity in registry.customizable()}


def builtin_fields(entity: str) -> set[str]:
    """Names of an entity's built-in fields, as conditions and required_fields name them."""
    model = entity_models()[entity]
    return {f.name for f in model._meta.concrete_fields} - HIDDEN_BUILTINS


def _field_specs(document: Mapping[str, Any], entity: str) -> list[Mapping[str, Any]]:
    return list((document.get("custom_fields") or {}).get(entity) or [])


def _active_keys(document: Mapping[str, Any], entity: str) -> set[str]:
    return {f["key"] for f in _field_specs(document, entity) if not f.get("archived")}


def _path_error(document: Mapping[str, Any], entity: str, path: str) -> str | None:
    """Why a condition path does not name a field of `entity` (or of its account); None when it does."""
    target, rest = entity, path
    if rest.startswith("account."):
        if entity == "account" or "account" not in builtin_fields(entity):
            return _("“%(path)s”: this record has no account.") % {"path": path}
        target, rest = "account", rest.removeprefix("account.")
    if rest.startswith("custom."):
        if rest.removeprefix("custom.") not in _active_keys(document, target):
            return _("“%(path)s” is not an active custom field of %(entity)s.") % {"path": path, "entity": target}
        return None
    if rest not in builtin_fields(target):
        return _("“%(path)s” is not a field of %(entity)s. Use a built-in field name or custom.<key>.") % {
            "path": path, "entity": target}
    return None


def _condition_errors(document: Mapping[str, Any], entity: str, condition: Any, where: str) -> list[ConfigError]:
    if not isinstance(condition, Mapping):
        return []
    errors = []
    try:
        if conditions.depth(condition) > MAX_CONDITION_DEPTH:
            return [ConfigError(where, _("Conditions can be nested at most %(n)d levels deep.") % {
                "n": MAX_CONDITION_DEPTH})]
        referenced = sorted(conditions.paths(condition))
    except ValueError:  # the schema admits only well-formed trees; this guards the evaluator's own checks
        return [ConfigError(where, _("This condition is not well formed. Use all/any/not over "
                                     "{\"field\", \"op\", \"value\"} as the reference describes."))]
    for path in referenced:
        problem = _path_error(document, entity, path)
        if problem:
            errors.append(ConfigError(where, problem))
    return errors


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def document_errors(document: Mapping[str, Any]) -> list[ConfigError]:
    """Checks that need only the document itself."""
    errors: list[ConfigError] = []
    time_zone = (document.get("settings") or {}).get("time_zone")
    if time_zone:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors.append(ConfigError("$.settings.time_zone", _(
                "“%(zone)s” is not a known time zone. Use an IANA name such as Asia/Shanghai.") % {"zone": time_zone}))
    for entity, specs in (document.get("custom_fields") or {}).items():
        base = f"$.custom_fields.{entity}"
        for key in _duplicates(spec.get("key", "") for spec in specs):
            errors.append(ConfigError(base, _("Two fields have the key “%(key)s”; each key must be unique.")
                                      % {"key": key}))
        for index, spec in enumerate(specs):
            where = f"{base}[{index}]"
            for key in _duplicates(option.get("key", "") for option in spec.get("options") or []):
                errors.append(ConfigError(f"{where}.options", _(
                    "Two options have the key “%(key)s”; each option key must be unique.") % {"key": key}))
            if spec.get("unique") and spec.get("sensitive"):
                # sensitive values are stored encrypted (a fresh nonce each time): no lookup could find a twin
                errors.append(ConfigError(f"{where}.unique", _(
                    "A sensitive field cannot be unique: its values are stored encrypted, so they cannot be "
                    "compared. Remove “unique” or “sensitive”.")))
            try:
                compile_fields([spec])
            except FieldSpecError as error:
                errors.append(ConfigError(json_path(("custom_fields", entity, index, *error.path)), str(error)))
            if "required_when" in spec:
                errors += _condition_errors(document, entity, spec["required_when"], f"{where}.required_when")
    pipelines = document.get("pipelines") or []
    for key in _duplicates(p.get("key", "") for p in pipelines):
        errors.append(ConfigError("$.pipelines", _("Two pipelines have the key “%(key)s”.") % {"key": key}))
    live = [p for p in pipelines if not p.get("archived")]
    if pipelines and not live:
        errors.append(ConfigError("$.pipelines", _("Keep at least one pipeline that is not archived.")))
    defaults = [p.get("key") for p in live if p.get("default")]
    if live and len(defaults) != 1:
        errors.append(ConfigError("$.pipelines", _(
            "Mark exactly one active pipeline as the default (now: %(n)d).") % {"n": len(defaults)}))
    deal_builtins = builtin_fields("deal")
    deal_custom = _active_keys(document, "deal")
    for index, pipeline in enumerate(pipelines):
        where = f"$.pipelines[{index}]"
        stages = pipeline.get("stages") or []
        for key in _duplicates(s.get("key", "") for s in stages):
            errors.append(ConfigError(f"{where}.stages", _(
                "Two stages have the key “%(key)s”; each stage key must be unique in its pipeline.") % {"key": key}))
        kinds = {s.get("kind") for s in stages}
        for kind, label in (("open", _("open")), ("won", _("won")), ("lost", _("lost"))):
            if kind not in kinds:
                errors.append(ConfigError(f"{where}.stages", _(
                    "A pipeline needs at least one %(kind)s stage.") % {"kind": label}))
        for position, stage in enumerate(stages):
            at = f"{where}.stages[{position}]"
            for field in stage.get("required_fields") or []:
                known = (field.removeprefix("custom.") in deal_custom if field.startswith("custom.")
                         else field in deal_builtins)
                if not known:
                    errors.append(ConfigError(f"{at}.required_fields", _(
                        "“%(field)s” is not a field of deals. Use a built-in field name or custom.<key>.")
                        % {"field": field}))
            if "entry_condition" in stage:
                errors += _condition_errors(document, "deal", stage["entry_condition"], f"{at}.entry_condition")
    return errors


# --- against the stored data --------------------------------------------------------------------------

def _stored_values(entity: str, key: str) -> list[Any]:
    from .records import decrypt_value

    model = entity_models()[entity]
    values = model.objects.filter(custom__has_key=key).values_list(f"custom__{key}", flat=True)
    return [decrypt_value(value) for value in values.iterator(chunk_size=5000)]


def _used_options(values: Iterable[Any]) -> Counter:
    used: Counter = Counter()
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                used[item] += 1
    return used


def data_errors(document: Mapping[str, Any], previous: Mapping[str, Any],
                moves: Mapping[str, str] | None = None) -> list[ConfigError]:
    """Checks of a change against the stored records (queries; run inside the saving transaction)."""
    errors: list[ConfigError] = _user_default_errors(document)
    for entity in entity_models():
        old_specs = {s["key"]: s for s in _field_specs(previous, entity)}
        for index, spec in enumerate(_field_specs(document, entity)):
            old = old_specs.get(spec.get("key"))
            where = f"$.custom_fields.{entity}[{index}]"
            if old is None:
                errors += _stored_value_errors(entity, spec, where)
            else:
                errors += _field_change_errors(entity, old, spec, where)
    errors += _stage_errors(document, moves or {})
    return errors


def _field_change_errors(entity: str, old: Mapping[str, Any], new: Mapping[str, Any], where: str) -> list[ConfigError]:
    errors: list[ConfigError] = []
    key = new["key"]
    type_changed = old.get("type") != new.get("type")
    removed_options = ({o["key"] for o in old.get("options") or []} - {o["key"] for o in new.get("options") or []}
                       if not type_changed else set())
    becomes_unique = new.get("unique") and not old.get("unique")
    if not (type_changed or removed_options or becomes_unique):
        return errors
    values = _stored_values(entity, key)
    if type_changed:
        check = compile_fields([]).check_type_change(old, new, values)
        if check.failures:
            preview = "; ".join(f"{_show(stored)} → {outcome}" for stored, outcome in check.preview[:5])
            errors.append(ConfigError(f"{where}.type", _(
                "%(failed)d of %(checked)d stored values cannot become %(type)s, so the type stays. "
                "Fix or clear them first (for example: %(preview)s), or add a new field instead.") % {
                "failed": check.failures, "checked": check.checked, "type": new.get("type"), "preview": preview}))
    if removed_options:
        used = _used_options(values)
        for option in sorted(removed_options):
            if used.get(option):
                errors.append(ConfigError(f"{where}.options", _(
                    "%(n)d records use the option “%(option)s”. Keep it (you may rename its label) or change "
                    "those records first.") % {"n": used[option], "option": option}))
    if becomes_unique:
        counts = Counter(_show(value) for value in values if value not in (None, "", []))
        clashes = [value for value, count in counts.items() if count > 1]
        if clashes:
            errors.append(ConfigError(f"{where}.unique", _(
                "%(n)d values are stored more than once (for example %(value)s), so the field cannot be "
                "unique yet. Make them different first.") % {"n": len(clashes), "value": clashes[0]}))
    return errors


def _user_default_errors(document: Mapping[str, Any]) -> list[ConfigError]:
    """A `user` field's default must name an active user of this workspace."""
    from core.users.models import User

    wanted = {(entity, index): spec["default"]
              for entity, specs in (document.get("custom_fields") or {}).items()
              for index, spec in enumerate(specs) if spec.get("type") == "user" and spec.get("default") is not None}
    if not wanted:
        return []
    active = set(User.objects.filter(pk__in=set(wanted.values()), is_active=True).values_list("pk", flat=True))
    return [ConfigError(f"$.custom_fields.{entity}[{index}].default", _(
        "User %(id)s is not an active member of this workspace; choose another default or none.") % {"id": user_id})
        for (entity, index), user_id in wanted.items() if user_id not in active]


def _stored_value_errors(entity: str, spec: Mapping[str, Any], where: str) -> list[ConfigError]:
    """A key that is new to the document may still have values (a field removed earlier and added back):
    they must be valid for the new definition, or the field comes back with values it cannot read."""
    values = _stored_values(entity, spec["key"])
    if not values:
        return []
    check = compile_fields([]).check_type_change(spec, spec, values)
    if not check.failures:
        return []
    preview = "; ".join(f"{_show(stored)} → {outcome}" for stored, outcome in check.preview[:5])
    return [ConfigError(f"{where}.type", _(
        "Records still hold %(failed)d values under the key “%(key)s” that do not fit this definition (for "
        "example: %(preview)s). Restore the field with its earlier type, or use another key.") % {
        "failed": check.failures, "key": spec["key"], "preview": preview})]


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def _stage_errors(document: Mapping[str, Any], moves: Mapping[str, str]) -> list[ConfigError]:
    """Deals in a stage (or pipeline) the document removes must have a move naming an existing stage."""
    kept = {(p["key"], s["key"]) for p in document.get("pipelines") or [] for s in p.get("stages") or []}
    errors: list[ConfigError] = []
    held = registry.model("deal").objects.values_list("pipeline", "stage").annotate(n=models.Count("id")).order_by()
    for pipeline, stage, count in held:
        if (pipeline, stage) in kept:
            continue
        source = f"{pipeline}.{stage}"
        target = moves.get(source)
        if target is None:
            errors.append(ConfigError(f"$.stage_moves.{source}", _(
                "%(n)d deals are in the stage “%(stage)s” of the pipeline “%(pipeline)s”, which this change "
                "removes. Choose the stage they move to.") % {"n": count, "stage": stage, "pipeline": pipeline}))
        elif tuple(target.split(".", 1)) not in kept:
            errors.append(ConfigError(f"$.stage_moves.{source}", _(
                "“%(target)s” is not a stage of the new configuration; name it as pipeline.stage.") % {
                "target": target}))
    return errors
