"""What follows a merged account or contact to the survivor from this app: contacts, deals, shares."""

from __future__ import annotations

from typing import Any

from core.writepath.relink import relink

from .models import AccountShare, Contact, Deal


def move_with_account(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    moved = {"contacts": relink(actor=actor, entity="contact", queryset=Contact.objects.filter(account=from_record),
                                field="account", to_record=to_record),
             "deals": relink(actor=actor, entity="deal", queryset=Deal.objects.filter(account=from_record),
                             field="account", to_record=to_record)}
    for share in AccountShare.objects.filter(account=from_record):
        AccountShare.objects.get_or_create(account=to_record, user_id=share.user_id, defaults={"access": share.access})
    return moved


def move_with_contact(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    return {"deals": relink(actor=actor, entity="deal", queryset=Deal.objects.filter(contact=from_record),
                            field="contact", to_record=to_record)}
