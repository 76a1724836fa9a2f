"""Activities and tasks follow a merged account or contact to the survivor (registered in entities.py)."""

from __future__ import annotations

from typing import Any

from core.writepath.relink import relink

from .models import Activity, Task


def move_with_account(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    return {"activities": relink(actor=actor, entity="activity", queryset=Activity.objects.filter(account=from_record),
                                 field="account", to_record=to_record),
            "tasks": relink(actor=actor, entity="task", queryset=Task.objects.filter(account=from_record),
                            field="account", to_record=to_record)}


def move_with_contact(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    return {"activities": relink(actor=actor, entity="activity", queryset=Activity.objects.filter(contact=from_record),
                                 field="contact", to_record=to_record),
            "tasks": relink(actor=actor, entity="task", queryset=Task.objects.filter(contact=from_record),
                            field="contact", to_record=to_record)}
