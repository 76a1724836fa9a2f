"""One entity's custom fields, compiled once per configuration version.

`compile_fields(specs)` turns the FIELD specs of one entity into a `CompiledFields`: the field types
are built (regexes compiled, defaults cleaned) up front, so cleaning, hiding and describing values
for every request afterwards costs no parsing. The write path calls `clean` with the partial update
and the stored values; the read path calls `visible`; the meta API calls `describe`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.customization.conditions import evaluate

from .fieldtypes import (
    FieldContext,
    FieldSpecError,
    FieldType,
    FieldValueError,
    LinkType,
    SelectType,
    UserType,
    convert_value,
    field_type,
    is_empty,
    localized,
)

TYPE_CHANGE_PREVIEW = 20


@dataclass(frozen=True, eq=False)
class CompiledField:
    """One field spec with its type built and its role lists as sets."""

    key: str
    spec: Mapping[str, Any]
    type: FieldType
    default: Any
    visible_to: frozenset[str] | None
    editable_by: frozenset[str] | None

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required"))

    @property
    def required_when(self) -> Mapping[str, Any] | None:
        return self.spec.get("required_when")

    @property
    def sensitive(self) -> bool:
        return bool(self.spec.get("sensitive"))

    @property
    def archived(self) -> bool:
        return bool(self.spec.get("archived"))

    def label(self, language: str | None = None) -> str:
        return localized(self.spec.get("label"), language) or self.key

    def can_see(self, role: str) -> bool:
        return self.visible_to is None or role in self.visible_to

    def can_edit(self, role: str) -> bool:
        """A field a role cannot see is not one it can edit either."""
        return self.can_see(role) and (self.editable_by is None or role in self.editable_by)

    def error(self, message: str) -> str:
        """A message naming the field by its label in the active language: "Budget code: …"."""
        return _("%(label)s: %(message)s") % {"label": self.label(), "message": message}


def _compile_field(spec: Mapping[str, Any], context: FieldContext) -> CompiledField:
    kind = field_type(spec, context)
    default = None
    if spec.get("default") is not None:
        try:
            default = kind.clean(spec["default"])
        except FieldValueError as error:
            raise FieldSpecError(_("The default of the field “%(key)s” is not a valid value: %(error)s") % {
                "key": kind.key, "error": error.message}) from None
    roles = {name: frozenset(spec[name]) if spec.get(name) is not None else None
             for name in ("visible_to", "editable_by")}
    return CompiledField(spec["key"], spec, kind, default, roles["visible_to"], roles["editable_by"])


class TypeChangeCheck(NamedTuple):
    """What changing a field's type (or its options, limits) would do to the values already stored."""

    failures: int  # stored values that would not convert
    preview: list[tuple[Any, Any]]  # (stored value, converted value or error message), distinct values
    checked: int  # non-empty stored values looked at


class CompiledFields:
    """The custom fields of one entity for one configuration version; immutable, shared by requests."""

    def __init__(self, specs: Iterable[Mapping[str, Any]], context: FieldContext):
        self.context = context
        compiled = [_compile_field(spec, context) for spec in specs]
        keys = [field.key for field in compiled]
        if len(set(keys)) != len(keys):
            raise FieldSpecError("custom field keys must be unique within an entity")
        positions = {field.key: index for index, field in enumerate(compiled)}
        active = [field for field in compiled if not field.archived]
        # fields with an `order` first, by it; the others after, in the order they are listed
        active.sort(key=lambda f: (f.spec.get("order") is None, f.spec.get("order") or 0, positions[f.key]))
        self.fields: tuple[CompiledField, ...] = tuple(active)
        self._active = {field.key: field for field in self.fields}
        self._all = {field.key: field for field in compiled}
        self.archived_keys = frozenset(field.key for field in compiled if field.archived)
        self.unique_keys = frozenset(f.key for f in self.fields if f.spec.get("unique"))
        self.indexed_keys = frozenset(f.key for f in self.fields if f.spec.get("indexed"))
        # archived values stay encrypted at rest, so archived fields count here too
        self.sensitive_keys = frozenset(f.key for f in compiled if f.sensitive)
        self.user_keys = frozenset(f.key for f in self.fields if isinstance(f.type, UserType))
        self.link_entities: dict[str, str] = {f.key: f.type.entity for f in self.fields
                                              if isinstance(f.type, LinkType)}

    # --- lookup ------------------------------------------------------------------------------------

    def get(self, key: str, *, archived: bool = False) -> CompiledField | None:
        """The active field `key`; with archived=True an archived one too."""
        return (self._all if archived else self._active).get(key)

    def label(self, key: str, language: str | None = None) -> str:
        field = self._all.get(key)
        return field.label(language) if field else key

    def all_fields(self) -> tuple[CompiledField, ...]:
        """Active and archived fields (history and stored values outlive archiving)."""
        return tuple(self._all.values())

    def __iter__(self) -> Iterator[CompiledField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    # --- writing -----------------------------------------------------------------------------------

    def clean(self, payload: Mapping[str, Any] | None, *, existing: Mapping[str, Any] | None, role: str,
              creating: bool, resolve_builtin: Callable[[str], Any] | None = None,
              ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Merge a partial update into the stored values: (custom dict to store, errors).

        Errors are keyed "custom.<key>" (or "custom" for the payload itself) and all reported at once.
        Empty values are removed rather than stored as null. Values of archived fields, and of keys
        no longer defined at all, are kept as they are. `required`/`required_when` only bind roles
        that may edit the field: nobody is asked for a value they are not allowed to give.
        """
        errors: dict[str, list[str]] = {}
        result: dict[str, Any] = dict(existing or {})
        if payload is None:
            payload = {}
        elif not isinstance(payload, Mapping):
            errors["custom"] = [_("Custom fields must be an object of field keys and values.")]
            payload = {}
        for key in payload:
            field = self._active.get(key)
            # a field the role may not see is unknown to it: the same answer as a key that does not exist
            if field is None or not field.can_see(role):
                errors.setdefault("custom", []).append(
                    _("Unknown custom field “%(key)s”.") % {"key": str(key)[:60]})
        for field in self.fields:
            key = field.key
            if key in payload and field.can_see(role) and self._apply(field, payload[key], result, role, creating,
                                                                        errors):
                continue
            if creating and key not in result and field.default is not None:
                result[key] = copy.deepcopy(field.default)
        self._check_required(result, role, resolve_builtin, errors)
        return result, errors

    def _apply(self, field: CompiledField, raw: Any, result: dict[str, Any], role: str, creating: bool,
               errors: dict[str, list[str]]) -> bool:
        """Put one submitted value into `result`; False when it leaves the field as if not submitted."""
        key = field.key
        try:
            value, problem = field.type.clean(raw), None
        except FieldValueError as error:
            value, problem = None, error.message
        if not field.can_edit(role):
            # refused whatever the value: answering "unchanged" for the stored value would confirm a guess
            errors[f"custom.{key}"] = [field.error(_("You may not change this field."))]
            return True
        if problem is not None:
            errors[f"custom.{key}"] = [field.error(problem)]
        elif value is None:
            result.pop(key, None)
        else:
            result[key] = value
        return True

    def _check_required(self, values: Mapping[str, Any], role: str,
                        resolve_builtin: Callable[[str], Any] | None, errors: dict[str, list[str]]) -> None:
        python: dict[str, Any] | None = None

        def resolve(path: str) -> Any:
            nonlocal python
            if path.startswith("custom."):
                if python is None:
                    python = {key: (self._all[key].type.python_value(value) if key in self._all else value)
                              for key, value in values.items()}
                return python.get(path.removeprefix("custom."))
            return resolve_builtin(path) if resolve_builtin is not None else None

        for field in self.fields:
            name = f"custom.{field.key}"
            if name in errors or not is_empty(values.get(field.key)) or not field.can_edit(role):
                continue
            condition = field.required_when
            if field.required or (condition and evaluate(condition, resolve)):
                errors[name] = [field.error(pgettext("custom field", "This field is required."))]

    # --- reading -----------------------------------------------------------------------------------

    def visible(self, custom: Mapping[str, Any] | None, role: str, may_reveal: bool) -> dict[str, Any]:
        """What `role` sees: hidden and archived fields removed, sensitive values masked unless revealed."""
        shown: dict[str, Any] = {}
        for field in self.fields:
            if custom and field.key in custom and field.can_see(role):
                value = custom[field.key]
                shown[field.key] = field.type.mask(value) if field.sensitive and not may_reveal else value
        return shown

    def display(self, key: str, stored: Any, language: str | None = None) -> str:
        """A stored value as text for a person (option labels, ¥12.50, 是/否), archived fields too."""
        field = self._all.get(key)
        return field.type.display(stored, language) if field else ("" if is_empty(stored) else str(stored))

    def describe(self, language: str | None = None, role: str | None = None) -> list[dict[str, Any]]:
        """The field descriptions of the meta API; with a role, only what it sees and whether it may edit."""
        described = []
        for field in self.fields:
            if role is not None and not field.can_see(role):
                continue
            spec = field.spec
            kind = field.type
            described.append({
                "key": field.key,
                "type": kind.name,
                "label": field.label(language),
                "help": localized(spec.get("help"), language),
                "required": field.required,
                "required_when": spec.get("required_when"),
                "options": kind.describe_options(language) if isinstance(kind, SelectType) else None,
                **kind.describe_limits(),
                "link_entity": spec.get("link_entity"),
                "sensitive": field.sensitive,
                "unique": bool(spec.get("unique")),
                "section": spec.get("section"),
                "order": spec.get("order"),
                "editable": field.can_edit(role) if role is not None else True,
                "default": copy.deepcopy(field.default),
            })
        return described

    # --- type changes ------------------------------------------------------------------------------

    def converter(self, old_spec: Mapping[str, Any], new_spec: Mapping[str, Any],
                  language: str | None = None) -> Callable[[Any], Any]:
        """A function converting one stored value from `old_spec` to `new_spec`; raises FieldValueError."""
        source, target = field_type(old_spec, self.context), field_type(new_spec, self.context)
        return lambda stored: convert_value(target, source, stored, language)

    def check_type_change(self, old_spec: Mapping[str, Any], new_spec: Mapping[str, Any],
                          stored_values: Iterable[Any], *, limit: int = TYPE_CHANGE_PREVIEW,
                          language: str | None = None) -> TypeChangeCheck:
        """How many stored values would fail to convert, with a preview of the first `limit` distinct ones.

        Works for any spec change of one field (type, options, limits, decimal places); failures are
        described by their error message in the active language.
        """
        convert = self.converter(old_spec, new_spec, language)
        failures = checked = 0
        preview: list[tuple[Any, Any]] = []
        seen: set[str] = set()
        for stored in stored_values:
            if is_empty(stored):
                continue
            checked += 1
            try:
                outcome, failed = convert(stored), False
            except FieldValueError as error:
                outcome, failed = error.message, True
            failures += failed
            if len(preview) < limit:
                marker = json.dumps(stored, sort_keys=True, default=str)
                if marker not in seen:
                    seen.add(marker)
                    preview.append((stored, outcome))
        return TypeChangeCheck(failures, preview, checked)


def compile_fields(specs: Iterable[Mapping[str, Any]] | None, *, region: str = "CN",
                   time_zone: str = "Asia/Shanghai", currency: str = "CNY") -> CompiledFields:
    """Compile one entity's field specs; FieldSpecError when a spec cannot work (bad regex, default)."""
    return CompiledFields(specs or (), FieldContext(region=region, time_zone=ZoneInfo(time_zone),
                                                    currency=currency))
