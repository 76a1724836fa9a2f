"""The condition language of the workspace configuration, evaluated without `eval`.

Conditions gate deal stages (`entry_condition`), make custom fields required only sometimes
(`required_when`) and select records for automations. They are JSON trees written by workspace
admins, so evaluating one must never run code, never crash on the data it meets and never hit
Python's recursion limit: trees are walked with explicit stacks, and a value that cannot be compared
with the condition's makes the comparison False instead of raising. Only a tree that breaks the
grammar raises ValueError; the configuration validator rejects such trees before they are saved.

    CONDITION := {"all": [CONDITION, ...]} | {"any": [CONDITION, ...]} | {"not": CONDITION}
               | {"field": PATH, "op": OP, "value": JSON}
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.utils.translation import gettext, gettext_lazy, pgettext

__all__ = ["OPS", "PATH_PATTERN", "depth", "describe", "evaluate", "paths", "record_resolver"]

PATH_PATTERN = re.compile(r"(account\.)?(custom\.)?[a-z][a-z0-9_]{0,49}")
"""What a field path looks like: a built-in name, `custom.<key>`, and either behind `account.`."""

_VALUE_REQUIRED = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "contains", "changed_to"})
_LIST_VALUE = frozenset({"in", "not_in"})
_NO_VALUE = frozenset({"is_empty", "changed"})
OPS = _VALUE_REQUIRED | _LIST_VALUE | _NO_VALUE | {"between"}

_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
_SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_MULTI = (list, tuple, set, frozenset)  # multi-valued record values: multi_select, tags
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII digits only
_MISSING: Any = object()

T = TypeVar("T")


class Leaf(NamedTuple):
    """One comparison: `value` is absent (`_MISSING`) for is_empty and changed."""

    field: str
    op: str
    value: Any


# --- the grammar ------------------------------------------------------------------------------------

def _parse(node: Any) -> tuple[str, Any]:
    """One node as (kind, payload): ("all"|"any", children), ("not", child) or ("leaf", Leaf)."""
    if not isinstance(node, Mapping):
        raise ValueError(f"a condition must be an object, not {type(node).__name__}")
    if "field" in node or "op" in node:
        return "leaf", _parse_leaf(node)
    if len(node) != 1:
        raise ValueError(f"a condition has one of all, any, not or field/op, not {sorted(map(str, node))}")
    kind, payload = next(iter(node.items()))
    if kind in ("all", "any"):
        if not isinstance(payload, list | tuple) or not payload:
            raise ValueError(f'"{kind}" needs a non-empty list of conditions')
        return kind, payload
    if kind == "not":
        return kind, payload
    raise ValueError(f"unknown condition {kind!r}")


def _parse_leaf(node: Mapping[str, Any]) -> Leaf:
    extra = set(node) - {"field", "op", "value"}
    if extra:
        raise ValueError(f"unexpected keys in a comparison: {sorted(map(str, extra))}")
    field, op = node.get("field"), node.get("op")
    if not isinstance(field, str) or not PATH_PATTERN.fullmatch(field):
        raise ValueError(f"not a field path: {field!r}")
    if not isinstance(op, str) or op not in OPS:
        raise ValueError(f"unknown operator {op!r}")
    if op in _NO_VALUE:
        if "value" in node:
            raise ValueError(f'"{op}" takes no value')
        return Leaf(field, op, _MISSING)
    if "value" not in node:
        raise ValueError(f'"{op}" needs a value')
    value = node["value"]
    if op in _LIST_VALUE and (not isinstance(value, list | tuple) or not value):
        raise ValueError(f'"{op}" needs a non-empty list of values')
    if op == "between" and (not isinstance(value, list | tuple) or len(value) != 2):
        raise ValueError('"between" needs a list [low, high]')
    return Leaf(field, op, value)


def _fold(condition: Mapping[str, Any], leaf: Callable[[Leaf], T],
          combine: Callable[[str, list[T]], T]) -> T:
    """Post-order fold over the whole tree with an explicit stack (no recursion limit to meet).

    Validates every node on the way; a tree that contains itself is malformed, not infinite.
    """
    stack: list[tuple[Any, bool]] = [(condition, False)]
    results: list[T] = []
    open_nodes: set[int] = set()  # the ancestors of the node being visited
    while stack:
        node, leaving = stack.pop()
        kind, payload = _parse(node)
        if kind == "leaf":
            results.append(leaf(payload))
            continue
        children = [payload] if kind == "not" else list(payload)
        if leaving:
            open_nodes.discard(id(node))
            values = results[-len(children):]
            del results[-len(children):]
            results.append(combine(kind, values))
            continue
        if id(node) in open_nodes:
            raise ValueError("a condition cannot contain itself")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children))
    return results[0]


def paths(condition: Mapping[str, Any]) -> set[str]:
    """Every field path the condition reads, so validation can check that each field exists."""
    return _fold(condition, lambda leaf: {leaf.field}, lambda _kind, sets: set().union(*sets))


def depth(condition: Mapping[str, Any]) -> int:
    """Nesting depth: a comparison is 1, each all/any/not around it adds 1 (the limit is 10)."""
    return _fold(condition, lambda _leaf: 1, lambda _kind, depths: 1 + max(depths))


# --- values -----------------------------------------------------------------------------------------

def _is_empty(value: Any) -> bool:
    """None, "", [] and {} are all "no value": input normalizes each of them to null."""
    return value is None or (isinstance(value, (str, Mapping, *_MULTI)) and len(value) == 0)


def _decimal(value: Any) -> Decimal | None:
    """Numbers as Decimal so that 1 == 1.0 == "1.00"; floats through str to avoid binary noise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        value = str(value)  # "inf" and "nan" fail the pattern below
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return Decimal(value)
    return None


def _datetime(value: Any) -> datetime | None:
    """Aware datetimes only: naive input (an ISO string without offset) is taken as UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _is_money(value: Any) -> bool:
    return isinstance(value, Mapping) and "amount" in value


def _pair(current: Any, wanted: Any) -> tuple[Any, Any] | None:
    """The record value and the condition value as one comparable type, the record value's.

    None when the condition value cannot take that type: the comparison is then simply False.
    A money record value compares by amount, with a plain number or with money in the same currency.
    """
    if isinstance(current, bool):
        return (current, wanted) if isinstance(wanted, bool) else None
    if isinstance(current, int | float | Decimal):
        pair = _decimal(current), _decimal(wanted)
    elif isinstance(current, datetime):
        pair = _datetime(current), _datetime(wanted)
    elif isinstance(current, date):
        pair = current, _date(wanted)
    elif isinstance(current, str):
        if isinstance(wanted, str):
            return current, wanted
        # a raw JSON decimal ("12.50") against a number
        is_number = isinstance(wanted, int | float | Decimal) and not isinstance(wanted, bool)
        pair = (_decimal(current), _decimal(wanted)) if is_number else (None, None)
    elif _is_money(current):
        if _is_money(wanted):
            currencies = current.get("currency"), wanted.get("currency")
            if all(currencies) and currencies[0] != currencies[1]:
                return None
            wanted = wanted["amount"]
        pair = _decimal(current["amount"]), _decimal(wanted)
    else:
        return None
    return pair if pair[0] is not None and pair[1] is not None else None


def _plain_equal(current: Any, wanted: Any) -> bool:
    """Python equality for values outside the coercion rules (regions, unknown types)."""
    try:
        return type(current) is type(wanted) and bool(current == wanted)
    except (TypeError, ValueError, RecursionError):
        return False


def _scalar_equal(current: Any, wanted: Any) -> bool:
    if _is_empty(current) or _is_empty(wanted):
        return _is_empty(current) and _is_empty(wanted)
    if isinstance(current, Mapping) and not _is_money(current):
        return isinstance(wanted, Mapping) and _plain_equal(dict(current), dict(wanted))
    if isinstance(current, _MULTI) or isinstance(wanted, _MULTI):
        return _plain_equal(current, wanted)
    pair = _pair(current, wanted)
    return _plain_equal(current, wanted) if pair is None else pair[0] == pair[1]


def _equal(current: Any, wanted: Any) -> bool:
    """eq: lists are equal when they hold the same elements, in any order (they are sets of keys)."""
    if isinstance(current, _MULTI) and current and isinstance(wanted, _MULTI) and wanted:
        return (all(any(_scalar_equal(a, b) for b in wanted) for a in current)
                and all(any(_scalar_equal(a, b) for a in current) for b in wanted))
    return _scalar_equal(current, wanted)


def _compare(op: str, current: Any, wanted: Any) -> bool:
    if _is_empty(current) or _is_empty(wanted):
        return False
    pair = _pair(current, wanted)
    if pair is None or isinstance(pair[0], bool):  # "yes > no" means nothing to a person
        return False
    return _ORDER[op](*pair)


def _member(current: Any, choices: Sequence[Any]) -> bool:
    """in: for a list value, true when any of its elements is among the choices."""
    if isinstance(current, _MULTI) and current:
        return any(_scalar_equal(element, choice) for element in current for choice in choices)
    return any(_equal(current, choice) for choice in choices)


def _contains(current: Any, wanted: Any) -> bool:
    if _is_empty(current) or _is_empty(wanted):
        return False  # an empty needle says nothing about the record
    if isinstance(current, str):
        return isinstance(wanted, str) and wanted.casefold() in current.casefold()
    if isinstance(current, _MULTI):
        return any(_scalar_equal(element, wanted) for element in current)
    return False


def _test(leaf: Leaf, resolve: Callable[[str], Any], previous: Callable[[str], Any] | None) -> bool:
    current = resolve(leaf.field)
    op, wanted = leaf.op, leaf.value
    if op == "eq":
        return _equal(current, wanted)
    if op == "ne":
        return not _equal(current, wanted)
    if op in _ORDER:
        return _compare(op, current, wanted)
    if op == "between":
        return _compare("gte", current, wanted[0]) and _compare("lte", current, wanted[1])
    if op == "in":
        return _member(current, wanted)
    if op == "not_in":
        return not _member(current, wanted)
    if op == "contains":
        return _contains(current, wanted)
    if op == "is_empty":
        return _is_empty(current)
    # changed / changed_to: on creation (no previous values) any value is a change
    changed = not _is_empty(current) if previous is None else not _equal(current, previous(leaf.field))
    return changed if op == "changed" else changed and _equal(current, wanted)


def evaluate(condition: Mapping[str, Any], resolve: Callable[[str], Any],
             previous: Callable[[str], Any] | None = None) -> bool:
    """Whether the record satisfies the condition.

    `resolve(path)` gives the record's current value (None when absent). `previous(path)` gives the
    value before the change being checked; pass None while the record is being created. The whole
    tree is validated first, so a malformed tree always raises ValueError, whatever the data; then
    all/any stop at the first child that settles them, so `resolve` is not asked needlessly.
    """
    _fold(condition, lambda _leaf: None, lambda _kind, _values: None)
    stack: list[tuple[str, Iterator[Any]]] = []
    node: Any = condition
    while True:
        kind, payload = _parse(node)
        if kind != "leaf":
            children = iter((payload,) if kind == "not" else payload)
            stack.append((kind, children))
            node = next(children)
            continue
        result = _test(payload, resolve, previous)
        while stack:
            kind, children = stack[-1]
            if kind == "not":
                result = not result
            elif (kind == "all") == result:  # all goes on while true, any while false
                following = next(children, _MISSING)
                if following is not _MISSING:
                    node = following
                    break
            stack.pop()
        else:
            return result


def record_resolver(values: Mapping[str, Any],
                    account: Mapping[str, Any] | None = None) -> Callable[[str], Any]:
    """A `resolve` for `evaluate` over plain mappings.

    `values` holds the record's built-in fields by name and its custom fields under "custom";
    `account` holds the linked account's, read by `account.` paths (None when there is no account).
    """
    def resolve(path: str) -> Any:
        source: Mapping[str, Any] | None = values
        if path.startswith("account."):
            source, path = account, path.removeprefix("account.")
        if path.startswith("custom."):
            custom = source.get("custom") if isinstance(source, Mapping) else None
            source, path = custom, path.removeprefix("custom.")
        return source.get(path) if isinstance(source, Mapping) else None

    return resolve


# --- for people ---------------------------------------------------------------------------------------

_TEMPLATES = {
    "in": gettext_lazy("%(field)s is one of %(values)s"),
    "not_in": gettext_lazy("%(field)s is none of %(values)s"),
    "contains": gettext_lazy("%(field)s contains %(value)s"),
    "is_empty": gettext_lazy("%(field)s is empty"),
    "is_not_empty": gettext_lazy("%(field)s is not empty"),
    "between": gettext_lazy("%(field)s is between %(low)s and %(high)s"),
    "changed": gettext_lazy("%(field)s has changed"),
    "changed_to": gettext_lazy("%(field)s has changed to %(value)s"),
}

def _render(field: str, value: Any, value_label: Callable[[str, Any], str | None] | None) -> str:
    """A condition value as a person reads it; `value_label` names option keys, stages, users..."""
    if isinstance(value, _MULTI) and value:
        separator = pgettext("list separator", ", ")
        return separator.join(_render(field, item, value_label) for item in value)
    if value_label is not None:
        text = value_label(field, value)
        if text is not None:
            return str(text)
    if _is_empty(value):
        return pgettext("condition value", "empty")
    if isinstance(value, bool):
        return pgettext("condition value", "yes") if value else pgettext("condition value", "no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if _is_money(value):
        return " ".join(str(part) for part in (value["amount"], value.get("currency")) if part)
    if isinstance(value, Mapping):  # a region: province city district
        return " ".join(str(part) for part in value.values() if part)
    return str(value)


def describe(condition: Mapping[str, Any], label: Callable[[str], str],
             value_label: Callable[[str, Any], str | None] | None = None) -> str:
    """The condition in the active language, e.g. "Amount ≥ 10000 and Stage = Proposal".

    Shown when a stage gate refuses a move or a field becomes required. `label(path)` names a field;
    the optional `value_label(path, value)` names a value (an option or stage key), or returns None
    to show the value as it is.
    """
    def leaf_text(leaf: Leaf) -> tuple[str, str]:
        field, op, value = label(leaf.field), leaf.op, leaf.value
        if op in ("eq", "ne") and _is_empty(value):
            op = "is_empty" if op == "eq" else "is_not_empty"
        if op in _SYMBOLS:
            return f"{field} {_SYMBOLS[op]} {_render(leaf.field, value, value_label)}", "leaf"
        params: dict[str, str] = {"field": field}
        if op == "between":
            params["low"] = _render(leaf.field, value[0], value_label)
            params["high"] = _render(leaf.field, value[1], value_label)
        elif op in _LIST_VALUE:
            params["values"] = _render(leaf.field, value, value_label)
        elif value is not _MISSING:
            params["value"] = _render(leaf.field, value, value_label)
        return str(_TEMPLATES[op]) % params, "leaf"

    def combine(kind: str, parts: list[tuple[str, str]]) -> tuple[str, str]:
        if kind == "not":
            return gettext("not (%(condition)s)") % {"condition": parts[0][0]}, "not"
        if len(parts) == 1:
            return parts[0]
        other = "any" if kind == "all" else "all"
        texts = [pgettext("condition", "(%(condition)s)") % {"condition": text} if part_kind == other
                 else text for text, part_kind in parts]
        separator = pgettext("condition", " and ") if kind == "all" else pgettext("condition", " or ")
        return separator.join(texts), kind

    return _fold(condition, leaf_text, combine)[0]
