"""Accounts, contacts, deals and products in the entity registry (called from RecordsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.entities.registry import EntityType, registry
from core.users.roles import Role

from . import selectors
from .fields import ACCOUNT_FIELDS, CONTACT_FIELDS, DEAL_FIELDS, PRODUCT_FIELDS
from .models import Account, Contact, Deal, Product
from .serializers import CONTACT_DETAILS, FINANCE_ACCOUNT_FIELDS
from .stage_moves import deals_move_stage


def _account_fields(access) -> frozenset[str] | None:
    """Finance reads an account's billing fields and its name, level and status; nothing else."""
    return frozenset(FINANCE_ACCOUNT_FIELDS) if access.role == Role.FINANCE else None


def _contact_fields(access) -> frozenset[str] | None:
    """Roles that see no contact details (finance) never read a person's phones, emails or WeChat."""
    return None if access.sees_contact_details() else frozenset(CONTACT_FIELDS) - CONTACT_DETAILS


def register() -> None:
    from . import merges, panels

    panels.register_panels()

    registry.register(EntityType(
        key="account", model=Account, label=_("Account"), label_plural=_("Accounts"), fields=ACCOUNT_FIELDS,
        read=selectors.accounts, write=selectors.writable_accounts, may_create=lambda access: access.can_write(),
        sensitive={"phones": "phones", "bank_account": "secret"}, url_name="records:account_detail", position=10,
        openable=selectors.openable_accounts, successor=selectors.merged_target, field_access=_account_fields))
    registry.register(EntityType(
        key="contact", model=Contact, label=_("Contact"), label_plural=_("Contacts"), fields=CONTACT_FIELDS,
        read=selectors.contacts, write=selectors.writable_contacts, may_create=lambda access: access.can_write(),
        sensitive={"phones": "phones"}, url_name="records:contact_detail", position=20,
        field_access=_contact_fields))
    registry.register(EntityType(
        key="deal", model=Deal, label=_("Deal"), label_plural=_("Deals"), fields=DEAL_FIELDS,
        read=selectors.deals, write=selectors.writable_deals, may_create=lambda access: access.can_write(),
        url_name="records:deal_detail", position=40, stage_mover=deals_move_stage))
    registry.register(EntityType(
        key="product", model=Product, label=_("Product"), label_plural=_("Products"), fields=PRODUCT_FIELDS,
        read=selectors.products, write=selectors.writable_products, may_create=lambda access: access.full,
        customizable=False, position=80))
    registry.on_merge("account", merges.move_with_account)
    registry.on_merge("contact", merges.move_with_contact)
