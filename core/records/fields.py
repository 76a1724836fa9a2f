"""The built-in fields of the records app's records: kind, label, limits (core.entities.fields.F).

Services clean every payload with these; the entity registry hands them to forms, the meta API,
history labels and the configuration's checks.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy, pgettext_lazy

from core.entities.fields import F

from .models import Account, Contact

ACCOUNT_FIELDS: dict[str, F] = {
    "name": F("text", pgettext_lazy("record", "Name"), required=True, max_length=200),
    "kind": F("choice", gettext_lazy("Kind"), choices=Account.Kind),
    "level": F("text", gettext_lazy("Level"), max_length=1),
    "industry": F("text", gettext_lazy("Industry"), max_length=100),
    "source": F("text", gettext_lazy("Source"), max_length=100),
    "status": F("choice", gettext_lazy("Status"), choices=Account.Status),
    "tags": F("list", gettext_lazy("Tags")),
    "phones": F("phones", gettext_lazy("Phones")),
    "emails": F("emails", gettext_lazy("Emails")),
    "province": F("text", gettext_lazy("Province"), max_length=50),
    "city": F("text", gettext_lazy("City"), max_length=50),
    "district": F("text", gettext_lazy("District"), max_length=50),
    "address": F("text", gettext_lazy("Address"), max_length=300),
    "website": F("url", gettext_lazy("Website"), max_length=200),
    "description": F("longtext", gettext_lazy("Description"), max_length=10000),
    "billing_name": F("text", gettext_lazy("Billing name"), max_length=200),
    "tax_number": F("text", gettext_lazy("Tax number"), max_length=50),
    "bank_account": F("text", gettext_lazy("Bank account"), max_length=64),
    "owner": F("fk", pgettext_lazy("record", "Owner")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


CONTACT_FIELDS: dict[str, F] = {
    "account": F("fk", gettext_lazy("Account")),
    "name": F("text", gettext_lazy("Name"), required=True, max_length=150),
    "title": F("text", gettext_lazy("Title"), max_length=100),
    "phones": F("phones", gettext_lazy("Phones")),
    "emails": F("emails", gettext_lazy("Emails")),
    "wechat_id": F("text", gettext_lazy("WeChat ID"), max_length=100),
    "birthday": F("date", gettext_lazy("Birthday")),
    "purchase_role": F("choice", gettext_lazy("Role in the purchase"), choices=Contact.PurchaseRole),
    "owner": F("fk", pgettext_lazy("record", "Owner")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


DEAL_FIELDS: dict[str, F] = {
    "name": F("text", pgettext_lazy("record", "Name"), required=True, max_length=200),
    "account": F("fk", gettext_lazy("Account"), required=True),
    "contact": F("fk", gettext_lazy("Contact")),
    "amount": F("decimal", gettext_lazy("Amount"), min_value=0, max_value=Decimal("999999999999.99"),
                 default=Decimal("0.00")),
    "currency": F("currency", gettext_lazy("Currency")),
    "expected_close_date": F("date", gettext_lazy("Expected close date")),
    "pipeline": F("text", gettext_lazy("Pipeline"), max_length=50),
    "stage": F("text", gettext_lazy("Stage"), max_length=50),
    "probability": F("int", gettext_lazy("Probability"), min_value=0, max_value=100),
    "won_lost_reason": F("text", gettext_lazy("Won or lost reason"), max_length=300),
    "owner": F("fk", pgettext_lazy("record", "Owner")),
    "custom": F("custom", gettext_lazy("Custom fields")),
}


PRODUCT_FIELDS: dict[str, F] = {
    "name": F("text", pgettext_lazy("record", "Name"), required=True, max_length=200),
    "sku": F("text", gettext_lazy("SKU"), required=True, max_length=64),
    "unit_price": F("decimal", gettext_lazy("Unit price"), required=True, min_value=0),
    "currency": F("currency", gettext_lazy("Currency")),
    "active": F("bool", pgettext_lazy("product", "Active")),
}
