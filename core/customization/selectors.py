"""Reads of the configuration history: versions, one version, the difference between two."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .models import ConfigVersion
from .services import version_document


def versions() -> QuerySet[ConfigVersion]:
    return ConfigVersion.objects.order_by("-number")


def diff(old: Any, new: Any, path: str = "$") -> list[dict[str, Any]]:
    """Every difference between two documents as {path, change: added|removed|changed, old, new}.

    Lists of objects with a `key` (fields, options, pipelines, stages) are matched by key, so reordering
    or inserting one field shows as that, not as every later field changing.
    """
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[dict[str, Any]] = []
        for key in list(old) + [k for k in new if k not in old]:
            at = f"{path}.{key}"
            if key not in new:
                changes.append({"path": at, "change": "removed", "old": old[key], "new": None})
            elif key not in old:
                changes.append({"path": at, "change": "added", "old": None, "new": new[key]})
            else:
                changes += diff(old[key], new[key], at)
        return changes
    if isinstance(old, list) and isinstance(new, list) and _keyed(old) and _keyed(new):
        old_by, new_by = {i["key"]: i for i in old}, {i["key"]: i for i in new}
        return diff(old_by, new_by, path)
    if old != new:
        return [{"path": path, "change": "changed", "old": old, "new": new}]
    return []


def _keyed(items: list) -> bool:
    keys = [item.get("key") for item in items if isinstance(item, Mapping)]
    return len(keys) == len(items) and all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)


def version_diff(old_number: int, new_number: int) -> list[dict[str, Any]]:
    return diff(version_document(old_number), version_document(new_number))
