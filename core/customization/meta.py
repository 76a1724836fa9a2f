"""Descriptions of built-in fields, next to the custom ones, so a client can draw a complete form."""

from __future__ import annotations

from typing import Any

from core.entities.fields import F


def _specs(entity: str) -> dict[str, F]:
    from core.activities.services import ACTIVITY_FIELDS
    from core.campaigns.services import CAMPAIGN_FIELDS
    from core.leads.services import LEAD_FIELDS
    from core.records.services import ACCOUNT_FIELDS, CONTACT_FIELDS, DEAL_FIELDS
    from core.service.services import TICKET_FIELDS

    return {"account": ACCOUNT_FIELDS, "contact": CONTACT_FIELDS, "lead": LEAD_FIELDS, "deal": DEAL_FIELDS,
            "ticket": TICKET_FIELDS, "activity": ACTIVITY_FIELDS, "campaign": CAMPAIGN_FIELDS}[entity]


def builtin_meta(entity: str) -> list[dict[str, Any]]:
    """key, kind, label (active language), required, limits and choices of each built-in field."""
    described = []
    for key, spec in _specs(entity).items():
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
