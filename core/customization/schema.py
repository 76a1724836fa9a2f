"""The workspace configuration document: its JSON Schemas, structural validation and presets.

The files in config_schemas/ are the one definition of the document's shape; the editor, the API
and the reference in docs/ all read them from there. Validation runs offline: every `$ref` is
relative and resolves inside a registry built from those files.

`structural_errors` turns jsonschema's errors into messages for a workspace admin, in the active
language: what is wrong at which JSON path and what to do about it. Rules about meaning rather than
shape (keys unique per entity, exactly one default pipeline, a known time zone) are checked
elsewhere.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .patterns import PatternError, compile_pattern

ROOT_SCHEMA = "tenant-config.schema.json"
PRESET_INDEX = "index.json"

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class ConfigError:
    """One problem in a configuration document.

    `path` is a JSON path such as `$.custom_fields.deal[2].options`; for a missing or unexpected
    key it names that key itself, so a form can put the message next to it. `message` is already
    translated into the language active when the error was made.
    """

    path: str
    message: str


# --- the schema files --------------------------------------------------------------------------

def schema_dir() -> Path:
    """The config_schemas/ folder: from the settings when Django is set up, else beside this package."""
    try:
        base_dir = settings.BASE_DIR
    except (ImproperlyConfigured, AttributeError):
        return Path(__file__).resolve().parents[2] / "config_schemas"
    return Path(base_dir) / "config_schemas"


@cache
def _schemas() -> dict[str, dict]:
    folder = schema_dir()
    return {path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.schema.json"))}


def schema_files() -> dict[str, dict]:
    """Every schema by file name, the top-level document's first; a copy the caller may change."""
    files = _schemas()
    ordered = {ROOT_SCHEMA: files[ROOT_SCHEMA]} | files
    return copy.deepcopy(ordered)


@cache
def _validation_schemas() -> dict[str, dict]:
    """The schemas without `$schema`: jsonschema would otherwise swap in its stock validator class at
    each file's root (every file is Draft 2020-12, which a test checks)."""
    return {name: {key: value for key, value in schema.items() if key != "$schema"}
            for name, schema in _schemas().items()}


@cache
def _registry() -> Registry:
    """All schemas under their `$id`, so relative `$ref`s resolve without any download."""
    resources = [(schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
                 for schema in _validation_schemas().values()]
    return Registry().with_resources(resources)


_RULE = "guanxi_rule"  # attribute naming the (if-schema, "then"/"else") an error comes from


def _if_then_else(validator: Any, if_schema: Any, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """`if` as jsonschema evaluates it, also noting on each error the rule that raised it.

    The note lets a message say *why* a key is required or forbidden ("when type is select").
    """
    branch = "then" if validator.evolve(schema=if_schema).is_valid(instance) else "else"
    if branch not in schema:
        return
    for error in validator.descend(instance, schema[branch], schema_path=branch):
        if not hasattr(error, _RULE):  # the innermost rule explains best
            setattr(error, _RULE, (if_schema, branch))
        yield error


def _properties(validator: Any, properties: dict, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """`properties` as jsonschema evaluates it, except that a key forbidden by a `false` schema is
    named in the error's path (jsonschema leaves it out)."""
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name not in instance:
            continue
        for error in validator.descend(instance[name], subschema, path=name, schema_path=name):
            if subschema is False:
                error.path.appendleft(name)
                error.schema_path.appendleft(name)
            yield error


_Validator = validators.extend(Draft202012Validator, {"if": _if_then_else, "properties": _properties})

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(instance: object) -> bool:
    """RFC 3339 date-time: a date, a time and an offset (jsonschema needs an extra package for it)."""
    if not isinstance(instance, str):
        return True
    if not _DATE_TIME.fullmatch(instance):
        return False
    datetime.fromisoformat(instance.replace("Z", "+00:00"))  # rejects impossible dates and times
    return True


@_FORMATS.checks("regex", raises=PatternError)
def _is_regex(instance: object) -> bool:
    """Admin-written patterns run on RE2 (core.customization.patterns), so RE2 must compile them."""
    if isinstance(instance, str):
        compile_pattern(instance)
    return True


@cache
def get_validator() -> Draft202012Validator:
    """The validator of the whole document, with formats checked and references resolved offline."""
    return _Validator(_validation_schemas()[ROOT_SCHEMA], registry=_registry(), format_checker=_FORMATS)


# --- presets -----------------------------------------------------------------------------------

@cache
def _preset_index() -> tuple[dict, ...]:
    index = json.loads((schema_dir() / "presets" / PRESET_INDEX).read_text(encoding="utf-8"))
    return tuple(index)


def presets() -> list[dict]:
    """The presets a new workspace can start from, as listed in presets/index.json (blank first)."""
    return copy.deepcopy(list(_preset_index()))


def load_preset(key: str) -> dict:
    """The configuration document of the preset `key`; raises KeyError for a key not in the index."""
    for entry in _preset_index():
        if entry["key"] == key:
            name = Path(entry["file"]).name  # the index names files inside presets/, nothing else
            return json.loads((schema_dir() / "presets" / name).read_text(encoding="utf-8"))
    raise KeyError(f"no configuration preset {key!r}")


# --- validation --------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 1_000_000
"""The largest document, as compact UTF-8 JSON: the schemas check one this big in about a second."""
MAX_DOCUMENT_DEPTH = 40
"""The deepest nesting of objects and lists (conditions nested 10 levels need about 30)."""


def limit_errors(document: Any) -> list[ConfigError]:
    """Refuse a document too big or too deep to validate cheaply, before any schema runs.

    The schemas bound each list (fields, pipelines, stages, options) and the semantic layer the
    depth of conditions; these two bounds come first, so no document costs more than a bounded
    amount of work (jsonschema and json.dumps recurse, so the depth is measured without recursion).
    """
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DOCUMENT_DEPTH:
                return [ConfigError("$", _("The configuration is nested more than %(n)d levels deep. Flatten "
                                           "it; conditions, for example, nest at most 10 levels.") % {
                    "n": MAX_DOCUMENT_DEPTH})]
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode())
    if size > MAX_DOCUMENT_BYTES:
        return [ConfigError("$", _("The configuration is %(size)s bytes long; at most %(limit)s bytes are "
                                   "allowed. Remove fields, options or pipelines you no longer need.") % {
            "size": f"{size:,}", "limit": f"{MAX_DOCUMENT_BYTES:,}"})]
    return []


def structural_errors(document: Any) -> list[ConfigError]:
    """Every way `document` breaks the schemas, sorted by path, with messages in the active language.

    A document beyond `limit_errors`' bounds gets only that error: it is not validated further.
    """
    too_big = limit_errors(document)
    if too_big:
        return too_big
    problems: list[tuple[Location, str | None, str]] = []
    for error in get_validator().iter_errors(document):
        problems.extend(_explain(error))
    # A value of the wrong type, or one that may not be there at all, needs that one message:
    # other complaints about it (or, for a forbidden key, about its contents) are noise.
    mistyped = {location for location, keyword, _message in problems if keyword == "type"}
    forbidden = {location for location, keyword, _message in problems if keyword == "false"}
    seen: set[tuple[Location, str]] = set()
    result: list[tuple[Location, str]] = []
    for location, keyword, message in problems:
        if location in mistyped and keyword != "type":
            continue
        if keyword != "false" and any(location[:len(place)] == place for place in forbidden):
            continue
        if (location, message) not in seen:
            seen.add((location, message))
            result.append((location, message))
    result.sort(key=lambda item: _sort_key(item[0]))
    return [ConfigError(json_path(location), message) for location, message in result]


def json_path(location: Iterable[str | int]) -> str:
    """`$.custom_fields.deal[2].label['zh-hans']` for ("custom_fields", "deal", 2, "label", "zh-hans")."""
    parts = ["$"]
    for step in location:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", step):
            parts.append(f".{step}")
        else:
            escaped = str(step).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def _sort_key(location: Location) -> tuple:
    return tuple((0, step, "") if isinstance(step, int) else (1, 0, step) for step in location)


def _explain(error: ValidationError) -> Iterator[tuple[Location, str | None, str]]:
    """The problems one jsonschema error stands for: (location, keyword, translated message)."""
    location: Location = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("oneOf", "anyOf"):
        branch = _closest_branch(error) if error.context else None
        if branch is not None:
            for inner in branch:
                yield from _explain(inner)
        else:
            yield location, keyword, _forms_message(error)
        return
    if list(error.schema_path)[-2:-1] == ["propertyNames"]:
        location = (*location, error.instance)  # the offending name is the instance here
    condition, branch_name = _rule(error)
    if keyword == "required":
        for key in _missing(error.validator_value, error.instance):
            yield (*location, key), keyword, _required_message(key, condition, branch_name)
        return
    if keyword == "dependentRequired":
        for other, keys in error.validator_value.items():
            if isinstance(error.instance, dict) and other in error.instance:
                for key in _missing(keys, error.instance):
                    yield (*location, key), keyword, _(
                        "“%(key)s” is required when “%(other)s” is given. Add it.") % {"key": key, "other": other}
        return
    if keyword == "additionalProperties":
        for key in _unexpected_keys(error):
            yield (*location, key), keyword, _unknown_key_message(key, error.schema)
        return
    if keyword is None:  # a `false` schema: the key may not be there at all
        yield location, "false", _forbidden_message(location, condition, branch_name)
        return
    message = _message(error)
    if condition:
        message = _("%(problem)s This rule applies when %(condition)s.") % {
            "problem": message, "condition": condition}
    yield location, keyword, message


def _closest_branch(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the oneOf/anyOf alternative the value was most likely meant to be.

    Alternatives are told apart by the problems at the value itself (wrong type, missing or
    unknown keys); the one with fewest wins. A tie means the intent is unclear: None.
    """
    branches: dict[int, list[ValidationError]] = {}
    for inner in error.context:
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)

    def score(errors: list[ValidationError]) -> tuple[int, int]:
        at_value = [inner for inner in errors if not inner.relative_path]
        wrong_type = sum(1 for inner in at_value if inner.validator == "type")
        count = 0
        for inner in at_value:
            if inner.validator == "additionalProperties":
                count += len(_unexpected_keys(inner))
            elif inner.validator == "required":
                count += len(_missing(inner.validator_value, inner.instance))
            else:
                count += 1
        return wrong_type, count

    ranked = sorted(branches.values(), key=score)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0] if ranked else None


def _rule(error: ValidationError) -> tuple[str | None, str | None]:
    """The human condition of the if/then/else rule that raised `error`, and which branch."""
    rule = getattr(error, _RULE, None)
    if rule is None:
        return None, None
    if_schema, branch = rule
    return _describe_condition(if_schema), branch


def _describe_condition(if_schema: Any) -> str | None:
    properties = if_schema.get("properties", {}) if isinstance(if_schema, dict) else {}
    if len(properties) != 1:
        return None
    (key, subschema), = properties.items()
    if "const" in subschema:
        values = [subschema["const"]]
    elif "enum" in subschema:
        values = subschema["enum"]
    else:
        return None
    if len(values) == 1:
        return _("“%(key)s” is %(value)s") % {"key": key, "value": _show(values[0])}
    return _("“%(key)s” is one of %(values)s") % {"key": key, "values": _join(_show(v) for v in values)}


def _join(items: Iterable[str]) -> str:
    """Items of a list in a sentence, with the separator of the active language (、 in Chinese)."""
    return pgettext("list separator", ", ").join(items)


def _missing(required: Iterable[str], instance: Any) -> list[str]:
    return [key for key in required if isinstance(instance, dict) and key not in instance]


def _unexpected_keys(error: ValidationError) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    declared = schema.get("properties", {})
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in instance
            if key not in declared and not any(pattern.search(key) for pattern in patterns)]


def _required_message(key: str, condition: str | None, branch: str | None) -> str:
    if condition and branch == "then":
        return _("“%(key)s” is required when %(condition)s. Add it.") % {"key": key, "condition": condition}
    return _("The required key “%(key)s” is missing. Add it.") % {"key": key}


def _forbidden_message(location: Location, condition: str | None, branch: str | None) -> str:
    key = location[-1] if location and isinstance(location[-1], str) else None
    if key is None:
        return _("This value is not allowed here. Remove it.")
    if condition and branch == "then":
        return _("“%(key)s” is not allowed when %(condition)s. Remove it.") % {"key": key, "condition": condition}
    if condition and branch == "else":
        return _("“%(key)s” is only allowed when %(condition)s. Remove it.") % {
            "key": key, "condition": condition}
    return _("The key “%(key)s” is not allowed here. Remove it.") % {"key": key}


def _unknown_key_message(key: str, schema: Any) -> str:
    allowed = list(schema.get("properties", {})) if isinstance(schema, dict) else []
    if not allowed:
        return _("Unknown key “%(key)s”. Remove it.") % {"key": key}
    return _("Unknown key “%(key)s”. Remove it or correct its spelling; the keys allowed here are: "
             "%(allowed)s.") % {"key": key, "allowed": _join(f"“{name}”" for name in allowed)}


def _forms_message(error: ValidationError) -> str:
    """For a value that fits none (or several) of the alternatives: list them by their keys."""
    forms = []
    for alternative in error.validator_value:
        required = alternative.get("required") if isinstance(alternative, dict) else None
        if required:
            forms.append(" + ".join(f"“{key}”" for key in required))
    if not error.context:
        return _("This value fits more than one of the allowed forms. Keep the keys of only one: "
                 "%(forms)s.") % {"forms": _join(forms)}
    if forms:
        return _("This value has none of the allowed forms. Write it with one of these sets of keys: "
                 "%(forms)s.") % {"forms": _join(forms)}
    return _("This value has none of the allowed forms. Check it against the configuration reference.")


# --- messages per keyword -----------------------------------------------------------------------

def _show(value: Any, limit: int = 80) -> str:
    """A value as an admin wrote it: “text” in quotes, anything else as JSON, shortened."""
    text = f"“{value}”" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(name: str) -> str:
    names = {
        "string": pgettext("configuration value type", "text"),
        "integer": pgettext("configuration value type", "a whole number"),
        "number": pgettext("configuration value type", "a number"),
        "decimal": pgettext("configuration value type", "a decimal number"),
        "boolean": pgettext("configuration value type", "true or false"),
        "array": pgettext("configuration value type", "a list"),
        "object": pgettext("configuration value type", "an object"),
        "null": pgettext("configuration value type", "null"),
    }
    return names.get(name, name)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"  # only ever the found type: it reads better than "a number" next to "a whole number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _either(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": _join(names[:-1]), "last": names[-1]}


def _format_name(name: str) -> str:
    names = {
        "date": pgettext("configuration value format", "date (YYYY-MM-DD)"),
        "date-time": pgettext("configuration value format", "date and time with offset (2026-11-23T10:00:00+08:00)"),
        "email": pgettext("configuration value format", "email address"),
        "regex": pgettext("configuration value format", "regular expression"),
    }
    return names.get(name, name)


# What each pattern in the schemas asks for, in words (a test checks every pattern has one).
PATTERN_HINTS = {
    "^[a-z][a-z0-9_]{0,39}$(?!\\n)": gettext_lazy(
        "Use 1 to 40 lowercase letters, digits and underscores, starting with a letter, for example “budget_code”."),
    "^[a-z][a-z0-9_]{0,49}$(?!\\n)": gettext_lazy(
        "Use 1 to 50 lowercase letters, digits and underscores, starting with a letter, for example “new_business”."),
    "^[a-z0-9][a-z0-9_-]{0,39}$(?!\\n)": gettext_lazy(
        "Use 1 to 40 lowercase letters, digits, hyphens and underscores, starting with a letter or digit, "
        "for example “gold”."),
    "^#[0-9a-fA-F]{6}$(?!\\n)": gettext_lazy("Write a colour as # and six hexadecimal digits, for example “#3b82f6”."),
    "^[A-Z]{3}$(?!\\n)": gettext_lazy("Use a three-letter ISO 4217 currency code in capitals, for example “CNY”."),
    "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$(?!\\n)": gettext_lazy(
        "Use an IANA time zone name, for example “Asia/Shanghai”."),
    "^(account\\.)?(custom\\.)?[a-z][a-z0-9_]{0,49}$(?!\\n)": gettext_lazy(
        "Name a field such as “amount”, “custom.budget_code”, “account.industry” or “account.custom.segment”."),
    "^([a-z][a-z0-9_]{0,49}|custom\\.[a-z][a-z0-9_]{0,39})$(?!\\n)": gettext_lazy(
        "Name a built-in deal field such as “amount”, or “custom.” followed by the key of a deal custom field."),
    "^[^\\r\\n]*$(?!\\n)": gettext_lazy("Write a single line, without line breaks."),
    "^-?[0-9]+(\\.[0-9]+)?$(?!\\n)": gettext_lazy("Write a decimal number such as “12.50”."),
    "^\\+[1-9][0-9]{4,14}$(?!\\n)": gettext_lazy("Write the number in international form, for example “+8613812345678”."),
    "^https?://[^\\s/$.?#][^\\s]*$(?!\\n)": gettext_lazy("Write a web address that starts with http:// or https://."),
    "^[A-Za-z][A-Za-z0-9_.-]{0,99}$(?!\\n)": gettext_lazy(
        "Use up to 100 letters, digits, dots, hyphens and underscores, starting with a letter."),
}


def _duplicate(items: list) -> Any:
    seen: list[str] = []
    for item in items:
        marker = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        if marker in seen:
            return item
        seen.append(marker)
    return None


def _message(error: ValidationError) -> str:
    """The message for one keyword's failure; jsonschema's own English text is the last resort."""
    keyword, limit, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        expected = [limit] if isinstance(limit, str) else list(limit)
        return _("This must be %(expected)s, not %(actual)s.") % {
            "expected": _either([_type_name(name) for name in expected]), "actual": _type_name(_json_type(value))}
    if keyword == "enum":
        return _("%(value)s is not one of the allowed values. Use one of: %(allowed)s.") % {
            "value": _show(value), "allowed": _join(_show(item) for item in limit)}
    if keyword == "const":
        return _("This must be %(expected)s.") % {"expected": _show(limit)}
    if keyword == "pattern":
        hint = PATTERN_HINTS.get(limit)
        if hint is not None:
            return _("%(value)s is not written as expected. %(hint)s") % {"value": _show(value), "hint": hint}
        return _("%(value)s does not match the required pattern %(pattern)s.") % {
            "value": _show(value), "pattern": limit}
    if keyword == "format" and limit == "regex" and isinstance(error.cause, PatternError):
        return error.cause.message
    if keyword == "format":
        return _("%(value)s is not a valid %(format)s.") % {"value": _show(value), "format": _format_name(limit)}
    if keyword == "minimum":
        return _("%(value)s is too small. Use %(limit)s or more.") % {"value": _show(value), "limit": _show(limit)}
    if keyword == "maximum":
        return _("%(value)s is too large. Use %(limit)s or less.") % {"value": _show(value), "limit": _show(limit)}
    if keyword == "exclusiveMinimum":
        return _("%(value)s is too small. Use a value greater than %(limit)s.") % {
            "value": _show(value), "limit": _show(limit)}
    if keyword == "exclusiveMaximum":
        return _("%(value)s is too large. Use a value less than %(limit)s.") % {
            "value": _show(value), "limit": _show(limit)}
    if keyword == "multipleOf":
        return _("%(value)s must be a multiple of %(limit)s.") % {"value": _show(value), "limit": _show(limit)}
    if keyword == "minLength":
        if limit == 1:
            return _("This text is empty. Fill it in.")
        return ngettext("This text is too short. Write at least %(limit)d character.",
                        "This text is too short. Write at least %(limit)d characters.", limit) % {"limit": limit}
    if keyword == "maxLength":
        return ngettext("This text is %(length)d characters long, but at most %(limit)d character is allowed. "
                        "Shorten it.",
                        "This text is %(length)d characters long, but at most %(limit)d characters are allowed. "
                        "Shorten it.", limit) % {"length": len(value), "limit": limit}
    if keyword == "minItems":
        if limit == 1:
            return _("This list is empty. Add at least one item.")
        return ngettext("This list needs at least %(limit)d item; it has %(count)d. Add more.",
                        "This list needs at least %(limit)d items; it has %(count)d. Add more.",
                        limit) % {"count": len(value), "limit": limit}
    if keyword == "maxItems":
        return ngettext("This list allows at most %(limit)d item; it has %(count)d. Remove some.",
                        "This list allows at most %(limit)d items; it has %(count)d. Remove some.",
                        limit) % {"count": len(value), "limit": limit}
    if keyword == "uniqueItems":
        return _("%(value)s appears more than once in this list. Keep only one.") % {
            "value": _show(_duplicate(value))}
    if keyword == "minProperties":
        return ngettext("This object needs at least %(limit)d key. Add more.",
                        "This object needs at least %(limit)d keys. Add more.", limit) % {"limit": limit}
    if keyword == "maxProperties":
        return ngettext("This object allows at most %(limit)d key. Remove some.",
                        "This object allows at most %(limit)d keys. Remove some.", limit) % {"limit": limit}
    if keyword == "not":
        return _("This value is not allowed here. Change or remove it.")
    return _("This value is not valid: %(detail)s") % {"detail": error.message}
