"""How records leave the API: masked sensitive fields, and only the fields the role may read."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.access.policy import Access
from core.customization.records import custom_out
from core.entities.masking import mask_phones, mask_text
from core.users.roles import Role

from .models import Account, Contact, Deal, DealLineItem, Product

CONTACT_DETAILS = frozenset({"phones", "emails", "wechat_id"})  # hidden from roles without contact details
FINANCE_ACCOUNT_FIELDS = ("id", "version", "name", "kind", "level", "status", "billing_name", "tax_number", "bank_account",
                          "owner", "created_at", "updated_at")


def account_out(account: Account, access: Access) -> dict[str, Any]:
    data = {
        "id": account.pk, "version": account.version,
        "name": account.name,
        "kind": account.kind,
        "level": account.level,
        "industry": account.industry,
        "source": account.source,
        "status": account.status,
        "tags": account.tags,
        "phones": mask_phones(account.phones),
        "emails": account.emails,
        "province": account.province,
        "city": account.city,
        "district": account.district,
        "address": account.address,
        "website": account.website,
        "description": account.description,
        "billing_name": account.billing_name,
        "tax_number": account.tax_number,
        "bank_account": mask_text(account.bank_account) if account.bank_account else "",
        "owner": account.owner_id,
        "in_pool": account.owner_id is None,
        "custom": custom_out("account", account.custom, role=access.role or "", may_reveal=False),
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }
    if access.role == Role.FINANCE:
        data = {key: data[key] for key in FINANCE_ACCOUNT_FIELDS}
    return data


def contact_out(contact: Contact, access: Access) -> dict[str, Any]:
    data = {
        "id": contact.pk, "version": contact.version,
        "account": contact.account_id,
        "name": contact.name,
        "title": contact.title,
        "phones": mask_phones(contact.phones),
        "emails": contact.emails,
        "wechat_id": contact.wechat_id,
        "birthday": contact.birthday,
        "purchase_role": contact.purchase_role,
        "owner": contact.owner_id,
        "custom": custom_out("contact", contact.custom, role=access.role or "", may_reveal=False),
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }
    if not access.sees_contact_details():
        for key in CONTACT_DETAILS:
            data.pop(key)
    return data


def line_item_out(item: DealLineItem) -> dict[str, Any]:
    return {"id": item.pk, "product": item.product_id, "name": item.name, "quantity": str(item.quantity),
            "unit_price": str(item.unit_price), "discount_pct": str(item.discount_pct), "total": str(item.total)}


def deal_out(deal: Deal, access: Access) -> dict[str, Any]:
    return {
        "id": deal.pk, "version": deal.version,
        "name": deal.name,
        "account": deal.account_id,
        "contact": deal.contact_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date,
        "pipeline": deal.pipeline,
        "stage": deal.stage,
        "stage_kind": deal.stage_kind,
        "probability": deal.probability,
        "won_lost_reason": deal.won_lost_reason,
        "closed_at": deal.closed_at,
        "owner": deal.owner_id,
        "custom": custom_out("deal", deal.custom, role=access.role or "", may_reveal=False),
        "created_at": deal.created_at,
        "updated_at": deal.updated_at,
    }


def product_out(product: Product, access: Access) -> dict[str, Any]:
    return {"id": product.pk, "version": product.version, "name": product.name, "sku": product.sku, "unit_price": str(product.unit_price),
            "currency": product.currency, "active": product.active}


class AccountOut(serializers.Serializer):
    """Documentation of the account shape (the API builds it with `account_out`)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Account.Kind.choices)
    level = serializers.CharField()
    status = serializers.ChoiceField(choices=Account.Status.choices)
    phones = serializers.ListField(child=serializers.CharField(), help_text="Masked, e.g. 138****5678.")
    emails = serializers.ListField(child=serializers.EmailField())
    owner = serializers.IntegerField(allow_null=True)
    in_pool = serializers.BooleanField()
