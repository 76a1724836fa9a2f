"""Every change to leads, one function per use case: the one write path (core.writepath.save).

Conversion turns a qualified lead into an account (new, or an existing one the actor may change), a
contact and optionally a deal. It creates them through core.records.services — the same permission
checks, validation, history, audit and events as any other account, contact or deal — inside one
transaction that holds a row lock on the lead, so a lead converts exactly once however many requests
race for it; the loser gets 409 Conflict and nothing is created.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access.scoping import access_of, require
from core.api.errors import Conflict
from core.entities.fields import clean
from core.entities.search import record_tokens
from core.records import selectors as records_selectors
from core.records.models import Account
from core.records.services import account_create, contact_create, deal_create, resolve_owner
from core.users.models import User
from core.writepath.save import delete_record, lock_record, save_record

from .fields import CONVERT_FIELDS, LEAD_FIELDS
from .models import Lead


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _already_converted() -> Conflict:
    return Conflict(_("This lead has already been converted; work on its account, contact or deal instead."),
                    code="already_converted")


def _lead_tokens(lead: Lead) -> None:
    """Search tokens as for accounts: name n-grams plus phone blind indexes (phones are encrypted, never searched)."""
    lead.search_tokens = record_tokens(texts=[lead.company, lead.name, *lead.emails], phones=lead.phones)


def _check_status(cleaned: dict[str, Any], lead: Lead | None) -> None:
    """A disqualified lead must say why; the reason only means something while it is disqualified."""
    if "status" in cleaned and not cleaned["status"]:
        raise _field_error("status", _("%(field)s is required.") % {"field": _("Status")}, "required")
    if cleaned.get("score", 0) is None:  # an emptied score is "not scored yet"
        cleaned["score"] = 0
    status = cleaned.get("status", lead.status if lead else Lead.Status.NEW)
    reason = cleaned.get("disqualified_reason", lead.disqualified_reason if lead else "")
    if status == Lead.Status.DISQUALIFIED and not reason:
        raise _field_error("disqualified_reason", _("Say why the lead is disqualified."), "required")
    if status != Lead.Status.DISQUALIFIED and reason:
        cleaned["disqualified_reason"] = ""


def lead_create(*, actor: User, data: dict[str, Any]) -> Lead:
    require(access_of(actor).can_write())
    cleaned = clean(LEAD_FIELDS, data, partial=False)
    _check_status(cleaned, None)
    cleaned.setdefault("owner", actor.pk)
    resolve_owner(actor, cleaned)
    return save_record(actor=actor, entity="lead", instance=Lead(), cleaned=cleaned, creating=True,
                       before_save=_lead_tokens)


def lead_update(*, actor: User, lead: Lead | int, data: dict[str, Any], version: int | None = None) -> Lead:
    """Change a lead. A converted lead is history: it refuses changes (409) rather than drift from its account."""
    cleaned = clean(LEAD_FIELDS, data, partial=True)
    resolve_owner(actor, cleaned)

    def prepare(locked: Lead, values: dict[str, Any]) -> None:
        if locked.converted_at is not None:
            raise _already_converted()
        _check_status(values, locked)

    return save_record(actor=actor, entity="lead", instance=lead, cleaned=cleaned, version=version,
                       prepare=prepare, before_save=_lead_tokens)


def lead_qualify(*, actor: User, lead: Lead) -> Lead:
    """Mark a lead as worth converting (also takes a disqualified lead back)."""
    return lead_update(actor=actor, lead=lead, data={"status": Lead.Status.QUALIFIED})


def lead_disqualify(*, actor: User, lead: Lead, reason: str) -> Lead:
    """Close a lead as not a prospect; `reason` is required so the pool is not emptied without a trace."""
    return lead_update(actor=actor, lead=lead, data={"status": Lead.Status.DISQUALIFIED,
                                                     "disqualified_reason": reason})


def lead_delete(*, actor: User, lead: Lead | int, version: int | None = None) -> None:
    delete_record(actor=actor, entity="lead", instance=lead, version=version)


def _owner_for_conversion(actor: User, lead: Lead) -> int:
    """The lead's owner keeps what it becomes; a pool lead (or one of a departed owner) goes to the actor."""
    if lead.owner_id and User.objects.filter(pk=lead.owner_id, is_active=True).exists():
        return lead.owner_id
    return actor.pk


def lead_convert(
    *,
    actor: User,
    lead: Lead,
    account_id: int | None = None,
    create_deal: bool = False,
    deal_name: str = "",
    amount: Any = None,
) -> Lead:
    """Convert a qualified lead once: account (existing `account_id` or new), contact, optional deal.

    Raises 409 Conflict when the lead is already converted (also when another request converted it while
    this one waited for the lock) or is not qualified; a ValidationError on `account` when the existing
    account is not one the actor may change. Either way nothing is created.
    """
    options = clean(CONVERT_FIELDS, {"account": account_id, "create_deal": create_deal, "deal_name": deal_name,
                                     "amount": amount}, partial=False)
    if (options.get("deal_name") or options.get("amount") is not None) and not options.get("create_deal"):
        # a deal name or amount without create_deal would be silently dropped: the caller meant a deal
        options["create_deal"] = True
    with transaction.atomic():
        # the row lock serializes racing conversions; the second one reads the first one's converted_at
        locked = lock_record(actor=actor, entity="lead", instance=lead)
        if locked.converted_at is not None:
            raise _already_converted()
        if locked.status != Lead.Status.QUALIFIED:
            raise Conflict(_("Only a qualified lead can be converted. Qualify it first."), code="not_qualified")
        owner_id = _owner_for_conversion(actor, locked)
        if options["account"] is not None:
            account = records_selectors.account_for_write(actor=actor, pk=options["account"], field="account")
        else:
            person = not locked.company
            account = account_create(actor=actor, data={
                "name": locked.company or locked.name,
                "kind": Account.Kind.PERSON if person else Account.Kind.COMPANY,
                "source": locked.source,
                "phones": locked.phones if person else [],
                "emails": locked.emails if person else [],
                "owner": owner_id,
            })
        contact = contact_create(actor=actor, data={
            "name": locked.name, "title": locked.title, "phones": locked.phones, "emails": locked.emails,
            "account": account.pk, "owner": owner_id,
        })
        deal = None
        if options["create_deal"]:
            deal_data: dict[str, Any] = {"name": options["deal_name"] or account.name, "account": account.pk,
                                         "contact": contact.pk, "owner": owner_id}
            if options["amount"] is not None:
                deal_data["amount"] = options["amount"]
            deal = deal_create(actor=actor, data=deal_data)
        return save_record(actor=actor, entity="lead", instance=locked, checked=True, action="convert", cleaned={
            "converted_account_id": account.pk, "converted_contact_id": contact.pk,
            "converted_deal_id": deal.pk if deal else None, "converted_at": timezone.now()})
