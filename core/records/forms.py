"""Web forms of the records app. They only collect input: core.records.services validates and decides.

Every field is an optional text input or menu named like a key of the service's field spec
(services.ACCOUNT_FIELDS, ...), so the service sees the same `data` dict the API would send and the
form shows the service's errors (with the API's codes) next to the fields that caused them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.customization.pipelines import NEW_BUSINESS
from core.customization.record_form import (
    CURRENCY_CHOICES,
    DATE,
    FilterForm,
    RecordForm,
    join_list,
    menu_field,
    search_field,
    text_field,
)
from core.entities.masking import mask_phones, mask_text

from .fields import ACCOUNT_FIELDS, CONTACT_FIELDS, DEAL_FIELDS, PRODUCT_FIELDS
from .models import Account, Contact, Deal

STAGE_CHOICES = [(stage.key, stage.label) for stage in NEW_BUSINESS.stages]


class AccountForm(RecordForm):
    entity = "account"

    name = text_field(ACCOUNT_FIELDS, "name")
    kind = menu_field(ACCOUNT_FIELDS, "kind", Account.Kind.choices)
    level = menu_field(ACCOUNT_FIELDS, "level", [("", "—"), *Account.Level.choices])
    status = menu_field(ACCOUNT_FIELDS, "status", Account.Status.choices)
    industry = text_field(ACCOUNT_FIELDS, "industry")
    source = text_field(ACCOUNT_FIELDS, "source")
    tags = text_field(ACCOUNT_FIELDS, "tags", help_text=_("Separate with commas."))
    phones = text_field(ACCOUNT_FIELDS, "phones", widget=forms.TextInput(attrs={"inputmode": "tel"}),
                   help_text=_("Separate with commas, for example 138 1234 5678, +86 21 1234 5678."))
    phones_clear = forms.BooleanField(label=_("Remove all phone numbers"), required=False)
    emails = text_field(ACCOUNT_FIELDS, "emails", widget=forms.TextInput(attrs={"inputmode": "email"}),
                   help_text=_("Separate with commas."))
    province = text_field(ACCOUNT_FIELDS, "province")
    city = text_field(ACCOUNT_FIELDS, "city")
    district = text_field(ACCOUNT_FIELDS, "district")
    address = text_field(ACCOUNT_FIELDS, "address")
    website = text_field(ACCOUNT_FIELDS, "website", widget=forms.TextInput(attrs={"inputmode": "url"}))
    description = text_field(ACCOUNT_FIELDS, "description", widget=forms.Textarea(attrs={"rows": 4}))
    billing_name = text_field(ACCOUNT_FIELDS, "billing_name")
    tax_number = text_field(ACCOUNT_FIELDS, "tax_number")
    bank_account = text_field(ACCOUNT_FIELDS, "bank_account")
    owner = menu_field(ACCOUNT_FIELDS, "owner", [])

    list_fields = ("tags", "phones", "emails")
    extra_fields = ("phones_clear",)
    keep_when_empty = ("phones", "bank_account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.instance
        if account is None:
            del self.fields["phones_clear"]
            return
        # phones and the bank account are never put into the page in clear: typing replaces them
        if account.phones:
            self.fields["phones"].help_text = _("Now: %(masked)s. Leave empty to keep them; type numbers to "
                                                "replace them.") % {"masked": ", ".join(mask_phones(account.phones))}
        else:
            del self.fields["phones_clear"]
        if account.bank_account:
            self.fields["bank_account"].help_text = _("Now: %(masked)s. Leave empty to keep it.") % {
                "masked": mask_text(account.bank_account)}

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("phones_clear") and "phones" not in data:
            data["phones"] = []
        return data

    @staticmethod
    def initial_for(account: Account) -> dict[str, Any]:
        return {"name": account.name, "kind": account.kind, "level": account.level, "status": account.status,
                "industry": account.industry, "source": account.source, "tags": join_list(account.tags),
                "emails": join_list(account.emails), "province": account.province, "city": account.city,
                "district": account.district, "address": account.address, "website": account.website,
                "description": account.description, "billing_name": account.billing_name,
                "tax_number": account.tax_number, "owner": account.owner_id or ""}


class ContactForm(RecordForm):
    entity = "contact"

    account = menu_field(CONTACT_FIELDS, "account", [])
    name = text_field(CONTACT_FIELDS, "name")
    title = text_field(CONTACT_FIELDS, "title")
    phones = text_field(CONTACT_FIELDS, "phones", widget=forms.TextInput(attrs={"inputmode": "tel"}),
                   help_text=_("Separate with commas, for example 138 1234 5678, +86 21 1234 5678."))
    phones_clear = forms.BooleanField(label=_("Remove all phone numbers"), required=False)
    emails = text_field(CONTACT_FIELDS, "emails", widget=forms.TextInput(attrs={"inputmode": "email"}),
                   help_text=_("Separate with commas."))
    wechat_id = text_field(CONTACT_FIELDS, "wechat_id")
    birthday = text_field(CONTACT_FIELDS, "birthday", widget=DATE)
    purchase_role = menu_field(CONTACT_FIELDS, "purchase_role", Contact.PurchaseRole.choices)
    owner = menu_field(CONTACT_FIELDS, "owner", [])

    list_fields = ("phones", "emails")
    extra_fields = ("phones_clear",)
    keep_when_empty = ("phones",)

    def __init__(self, *args, accounts: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.choices = [("", "—"), *accounts]
        contact = self.instance
        if contact is not None and contact.phones:
            self.fields["phones"].help_text = _("Now: %(masked)s. Leave empty to keep them; type numbers to "
                                                "replace them.") % {"masked": ", ".join(mask_phones(contact.phones))}
        else:
            del self.fields["phones_clear"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("phones_clear") and "phones" not in data:
            data["phones"] = []
        return data

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {"account": contact.account_id or "", "name": contact.name, "title": contact.title,
                "emails": join_list(contact.emails), "wechat_id": contact.wechat_id,
                "birthday": contact.birthday.isoformat() if contact.birthday else "",
                "purchase_role": contact.purchase_role, "owner": contact.owner_id or ""}


class DealForm(RecordForm):
    entity = "deal"

    name = text_field(DEAL_FIELDS, "name")
    account = menu_field(DEAL_FIELDS, "account", [])
    contact = menu_field(DEAL_FIELDS, "contact", [])
    amount = text_field(DEAL_FIELDS, "amount", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = menu_field(DEAL_FIELDS, "currency", CURRENCY_CHOICES)
    expected_close_date = text_field(DEAL_FIELDS, "expected_close_date", widget=DATE)
    stage = menu_field(DEAL_FIELDS, "stage", STAGE_CHOICES)
    probability = text_field(DEAL_FIELDS, "probability", widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                        help_text=_("Percent. Empty: the stage's usual probability."))
    won_lost_reason = text_field(DEAL_FIELDS, "won_lost_reason")
    owner = menu_field(DEAL_FIELDS, "owner", [])

    # the deal model cannot store an empty amount or probability: an empty input keeps what is there
    keep_when_empty = ("amount", "probability")

    def __init__(self, *args, accounts: list[tuple[int, str]] = (), contacts: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.choices = [("", "—"), *accounts]
        self.fields["contact"].widget.choices = [("", "—"), *contacts]

    @staticmethod
    def initial_for(deal: Deal) -> dict[str, Any]:
        return {"name": deal.name, "account": deal.account_id, "contact": deal.contact_id or "",
                "amount": str(deal.amount), "currency": deal.currency,
                "expected_close_date": deal.expected_close_date.isoformat() if deal.expected_close_date else "",
                "stage": deal.stage, "probability": str(deal.probability), "won_lost_reason": deal.won_lost_reason,
                "owner": deal.owner_id or ""}


class ProductForm(RecordForm):
    record_entity = "product"
    name = text_field(PRODUCT_FIELDS, "name")
    sku = text_field(PRODUCT_FIELDS, "sku")
    unit_price = text_field(PRODUCT_FIELDS, "unit_price", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = menu_field(PRODUCT_FIELDS, "currency", CURRENCY_CHOICES)
    active = forms.BooleanField(label=PRODUCT_FIELDS["active"].label, required=False, initial=True)

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.instance is None:
            data["active"] = bool(self.cleaned_data.get("active"))  # an unticked box is a value too
        return data

    @staticmethod
    def initial_for(product) -> dict[str, Any]:
        return {"name": product.name, "sku": product.sku, "unit_price": str(product.unit_price),
                "currency": product.currency, "active": product.active}


# --- list filters: GET forms; the lists apply the API's FilterSets (core.records.filters) -------------


def _owner_filter() -> forms.ChoiceField:
    return forms.ChoiceField(label=pgettext_lazy("record", "Owner"), required=False)


class AccountFilterForm(FilterForm):
    q = search_field()
    owner = _owner_filter()
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *Account.Level.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Account.Status.choices])
    province = forms.CharField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False)


class PoolFilterForm(FilterForm):
    q = search_field()
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *Account.Level.choices])
    province = forms.CharField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False)


class ContactFilterForm(FilterForm):
    q = search_field()
    owner = _owner_filter()
    purchase_role = forms.ChoiceField(label=_("Role in the purchase"), required=False,
                                      choices=[("", _("Any")), *Contact.PurchaseRole.choices])


class DealFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    owner = _owner_filter()
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any")), *STAGE_CHOICES])
    stage_kind = forms.ChoiceField(label=_("Open or closed"), required=False,
                                   choices=[("", _("Any")), *Deal.Kind.choices])


class BoardFilterForm(FilterForm):
    owner = _owner_filter()


class ProductFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or SKU")}))
    active = forms.ChoiceField(label=pgettext_lazy("product", "Active"), required=False,
                               choices=[("", _("Any")), ("true", pgettext_lazy("product", "Active")),
                                        ("false", pgettext_lazy("product", "Inactive"))])
