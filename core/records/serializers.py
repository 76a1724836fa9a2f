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
# what finance reads of an account: its billing fields, what identifies it, and the custom fields shown to
# finance (`visible_to`), as on the account page and in its history
FINANCE_ACCOUNT_FIELDS = ("id", "version", "name", "kind", "level", "status", "billing_name", "tax_number",
                          "bank_account", "custom", "owner", "created_at", "updated_at")


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


# --- documentation of the shapes above, for the OpenAPI document (tests/api/test_documented_responses.py
# validates real answers against it). `required=False`: a field some roles' answers leave out -----------------

class AccountOut(serializers.Serializer):
    """An account, as `account_out` builds it. Finance sees only the billing fields (and id, name, kind,
    level, status, owner and times); sensitive values are masked."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Account.Kind.choices)
    level = serializers.ChoiceField(choices=Account.Level.choices, allow_blank=True)
    industry = serializers.CharField(allow_blank=True, required=False)
    source = serializers.CharField(allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=Account.Status.choices)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    phones = serializers.ListField(child=serializers.CharField(), help_text="Masked, e.g. 138****5678.",
                                   required=False)
    emails = serializers.ListField(child=serializers.CharField(), required=False)
    province = serializers.CharField(allow_blank=True, required=False)
    city = serializers.CharField(allow_blank=True, required=False)
    district = serializers.CharField(allow_blank=True, required=False)
    address = serializers.CharField(allow_blank=True, required=False)
    website = serializers.CharField(allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    billing_name = serializers.CharField(allow_blank=True)
    tax_number = serializers.CharField(allow_blank=True)
    bank_account = serializers.CharField(allow_blank=True, help_text="Masked, e.g. ****6789.")
    owner = serializers.IntegerField(allow_null=True)
    in_pool = serializers.BooleanField(required=False)
    custom = serializers.DictField(help_text="Custom field values by key (masked where sensitive, only those the "
                                             "role may see).", required=False)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PossibleDuplicatesOut(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="Likely duplicates you may see.")
    hidden = serializers.IntegerField(help_text="How many more you may not see.")


class AccountCreatedOut(AccountOut):
    """The new account and its likely duplicates (same company name, phone or email)."""

    possible_duplicates = PossibleDuplicatesOut()


class ContactOut(serializers.Serializer):
    """A contact, as `contact_out` builds it; roles that may not see contact details get no phones, emails
    or WeChat id."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    account = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    phones = serializers.ListField(child=serializers.CharField(), help_text="Masked, e.g. 138****5678.",
                                   required=False)
    emails = serializers.ListField(child=serializers.CharField(), required=False)
    wechat_id = serializers.CharField(allow_blank=True, required=False)
    birthday = serializers.DateField(allow_null=True)
    purchase_role = serializers.ChoiceField(choices=Contact.PurchaseRole.choices, allow_blank=True)
    owner = serializers.IntegerField(allow_null=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DealOut(serializers.Serializer):
    """A deal, as `deal_out` builds it. Amounts are decimal strings with their currency."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    name = serializers.CharField()
    account = serializers.IntegerField()
    contact = serializers.IntegerField(allow_null=True)
    amount = serializers.CharField(help_text="Decimal as a string, e.g. 1234.50.")
    currency = serializers.CharField()
    expected_close_date = serializers.DateField(allow_null=True)
    pipeline = serializers.CharField()
    stage = serializers.CharField()
    stage_kind = serializers.ChoiceField(choices=Deal.Kind.choices)
    probability = serializers.IntegerField()
    won_lost_reason = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    owner = serializers.IntegerField(allow_null=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProductOut(serializers.Serializer):
    """A product, as `product_out` builds it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    name = serializers.CharField()
    sku = serializers.CharField()
    unit_price = serializers.CharField(help_text="Decimal as a string, e.g. 99.00.")
    currency = serializers.CharField()
    active = serializers.BooleanField()


class RevealOut(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.JSONField(help_text="The plain value: a list of phone numbers, or a text.")


class AccountDuplicatesOut(serializers.Serializer):
    matches = AccountOut(many=True)
    hidden_matches = serializers.IntegerField(help_text="How many more matches you may not see.")


class ContactDuplicatesOut(serializers.Serializer):
    matches = ContactOut(many=True)
    hidden_matches = serializers.IntegerField(help_text="How many more matches you may not see.")


class ReassignedOut(serializers.Serializer):
    reassigned = serializers.IntegerField(help_text="How many accounts changed owner.")
