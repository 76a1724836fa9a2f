"""Descriptions of built-in fields, next to the custom ones, so a client can draw a complete form."""

from __future__ import annotations

from typing import Any

from core.entities.registry import registry


def builtin_meta(entity: str) -> list[dict[str, Any]]:
    """key, kind, label (active language), required, limits and choices of each built-in field."""
    described = []
    for key, spec in registry.get(entity).fields.items():
        if spec.kind == "custom":
            continue
        item: dict[str, Any] = {"key": key, "type": spec.kind, "label": str(spec.label), "required": spec.required}
        if spec.max_length:
            item["max_length"] = spec.max_length
        if spec.min_value is not None:
            item["min"] = str(spec.min_value)
        if spec.max_value is not None:
            item["max"] = str(spec.max_value)
        if spec.choices is not None:
            item["options"] = [{"key": c.value, "label": str(c.label)} for c in spec.choices]
        described.append(item)
    return described
