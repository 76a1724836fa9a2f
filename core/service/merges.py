"""Tickets follow a merged account or contact to the survivor (registered in entities.py)."""

from __future__ import annotations

from typing import Any

from core.writepath.relink import relink

from .models import Ticket


def move_with_account(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    return {"tickets": relink(actor=actor, entity="ticket", queryset=Ticket.objects.filter(account=from_record),
                              field="account", to_record=to_record)}


def move_with_contact(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    return {"tickets": relink(actor=actor, entity="ticket", queryset=Ticket.objects.filter(contact=from_record),
                              field="contact", to_record=to_record)}
