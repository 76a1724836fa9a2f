"""Web forms of the records app. They only collect input: core.records.services validates and decides.

Every field is an optional text input or menu named like a key of the service's field spec
(services.ACCOUNT_FIELDS, ...), so the service sees the same `data` dict the API would send and the
form shows the service's errors (with the API's codes) next to the fields that caused them.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.customization.pipelines import NEW_BUSINESS
from core.entities.fields import CURRENCIES
from core.entities.masking import mask_phones, mask_text

from .fields import ACCOUNT_FIELDS, CONTACT_FIELDS, DEAL_FIELDS, PRODUCT_FIELDS
from .models import Account, Contact, Deal

LIST_SEPARATORS = re.compile(r"[,，;；\n]")
CURRENCY_CHOICES = [(code, code) for code in ["CNY", *sorted(CURRENCIES - {"CNY"})]]
STAGE_CHOICES = [(stage.key, stage.label) for stage in NEW_BUSINESS.stages]
DATE = forms.DateInput(attrs={"type": "date"})


def _text(spec, name: str, *, widget: forms.Widget | None = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=spec[name].label, required=False, widget=widget, help_text=help_text)


def _menu(spec, name: str, choices) -> forms.CharField:
    """A menu that still lets the service judge the value (no form-side choice check)."""
    return forms.CharField(label=spec[name].label, required=False, widget=forms.Select(choices=choices))


def split_list(text: str) -> list[str]:
    """"a, b；c" → ["a", "b", "c"]: how list fields (tags, phones, emails) arrive from one text input."""
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def join_list(values: list[str] | None) -> str:
    return ", ".join(values or [])


class RecordForm(forms.Form):
    """A form whose field names are service spec keys; `service_data()` is the `data` a service takes."""

    list_fields: tuple[str, ...] = ()
    # form-only inputs that are not service fields
    extra_fields: tuple[str, ...] = ()
    # on an update, an empty input keeps the stored value (write-only secrets, numbers that cannot be empty)
    keep_when_empty: tuple[str, ...] = ()
    # the customizable entity the form writes: with an `actor`, its custom fields become inputs too
    entity: str = ""

    def __init__(self, *args, owners: list[tuple[int, str]] | None = None, instance: Any = None, actor: Any = None,
                 **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            if owners is None:  # this user does not assign records to others: the service sets the owner
                del self.fields["owner"]
            else:
                self.fields["owner"].widget.choices = [("", "—"), *owners]
        self.custom_inputs: dict[str, Any] = {}
        if self.entity and actor is not None:
            from .custom_form import add_custom_fields

            add_custom_fields(self, self.entity, actor=actor, instance=instance)

    @property
    def custom_sections(self) -> list[dict[str, Any]]:
        """The custom inputs that have a section, grouped by it (records/form.html shows them as fieldsets)."""
        from .custom_form import custom_sections

        return custom_sections(self)

    def service_data(self) -> dict[str, Any]:
        """Create: every filled-in field. Update: only the fields the user changed. Custom fields: `custom`."""
        from .custom_form import custom_names

        data: dict[str, Any] = {}
        custom = set(custom_names(self))
        for name in self.fields:
            if name in self.extra_fields or name in self.errors or name in custom:
                continue
            value = self.cleaned_data.get(name, "")
            if self.instance is None:
                if value in ("", None):
                    continue
            else:
                if name not in self.changed_data:
                    continue
                if name in self.keep_when_empty and value in ("", None):
                    continue
            data[name] = split_list(value) if name in self.list_fields else value
        if self.custom_inputs:
            from .custom_form import custom_payload

            custom = custom_payload(self)
            if custom:
                data["custom"] = custom
        return data


class AccountForm(RecordForm):
    entity = "account"

    name = _text(ACCOUNT_FIELDS, "name")
    kind = _menu(ACCOUNT_FIELDS, "kind", Account.Kind.choices)
    level = _menu(ACCOUNT_FIELDS, "level", [("", "—"), *Account.Level.choices])
    status = _menu(ACCOUNT_FIELDS, "status", Account.Status.choices)
    industry = _text(ACCOUNT_FIELDS, "industry")
    source = _text(ACCOUNT_FIELDS, "source")
    tags = _text(ACCOUNT_FIELDS, "tags", help_text=_("Separate with commas."))
    phones = _text(ACCOUNT_FIELDS, "phones", widget=forms.TextInput(attrs={"inputmode": "tel"}),
                   help_text=_("Separate with commas, for example 138 1234 5678, +86 21 1234 5678."))
    phones_clear = forms.BooleanField(label=_("Remove all phone numbers"), required=False)
    emails = _text(ACCOUNT_FIELDS, "emails", widget=forms.TextInput(attrs={"inputmode": "email"}),
                   help_text=_("Separate with commas."))
    province = _text(ACCOUNT_FIELDS, "province")
    city = _text(ACCOUNT_FIELDS, "city")
    district = _text(ACCOUNT_FIELDS, "district")
    address = _text(ACCOUNT_FIELDS, "address")
    website = _text(ACCOUNT_FIELDS, "website", widget=forms.TextInput(attrs={"inputmode": "url"}))
    description = _text(ACCOUNT_FIELDS, "description", widget=forms.Textarea(attrs={"rows": 4}))
    billing_name = _text(ACCOUNT_FIELDS, "billing_name")
    tax_number = _text(ACCOUNT_FIELDS, "tax_number")
    bank_account = _text(ACCOUNT_FIELDS, "bank_account")
    owner = _menu(ACCOUNT_FIELDS, "owner", [])

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

    account = _menu(CONTACT_FIELDS, "account", [])
    name = _text(CONTACT_FIELDS, "name")
    title = _text(CONTACT_FIELDS, "title")
    phones = _text(CONTACT_FIELDS, "phones", widget=forms.TextInput(attrs={"inputmode": "tel"}),
                   help_text=_("Separate with commas, for example 138 1234 5678, +86 21 1234 5678."))
    phones_clear = forms.BooleanField(label=_("Remove all phone numbers"), required=False)
    emails = _text(CONTACT_FIELDS, "emails", widget=forms.TextInput(attrs={"inputmode": "email"}),
                   help_text=_("Separate with commas."))
    wechat_id = _text(CONTACT_FIELDS, "wechat_id")
    birthday = _text(CONTACT_FIELDS, "birthday", widget=DATE)
    purchase_role = _menu(CONTACT_FIELDS, "purchase_role", Contact.PurchaseRole.choices)
    owner = _menu(CONTACT_FIELDS, "owner", [])

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

    name = _text(DEAL_FIELDS, "name")
    account = _menu(DEAL_FIELDS, "account", [])
    contact = _menu(DEAL_FIELDS, "contact", [])
    amount = _text(DEAL_FIELDS, "amount", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = _menu(DEAL_FIELDS, "currency", CURRENCY_CHOICES)
    expected_close_date = _text(DEAL_FIELDS, "expected_close_date", widget=DATE)
    stage = _menu(DEAL_FIELDS, "stage", STAGE_CHOICES)
    probability = _text(DEAL_FIELDS, "probability", widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                        help_text=_("Percent. Empty: the stage's usual probability."))
    won_lost_reason = _text(DEAL_FIELDS, "won_lost_reason")
    owner = _menu(DEAL_FIELDS, "owner", [])

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
    name = _text(PRODUCT_FIELDS, "name")
    sku = _text(PRODUCT_FIELDS, "sku")
    unit_price = _text(PRODUCT_FIELDS, "unit_price", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = _menu(PRODUCT_FIELDS, "currency", CURRENCY_CHOICES)
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

def _search_field() -> forms.CharField:
    return forms.CharField(label=_("Search"), required=False,
                           widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or phone")}))


def _owner_filter() -> forms.ChoiceField:
    return forms.ChoiceField(label=pgettext_lazy("record", "Owner"), required=False)


class FilterForm(forms.Form):
    def __init__(self, *args, owners: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].choices = [("", _("Anyone")), *[(str(pk), name) for pk, name in owners]]


class AccountFilterForm(FilterForm):
    q = _search_field()
    owner = _owner_filter()
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *Account.Level.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Account.Status.choices])
    province = forms.CharField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False)


class PoolFilterForm(FilterForm):
    q = _search_field()
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any")), *Account.Level.choices])
    province = forms.CharField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False)


class ContactFilterForm(FilterForm):
    q = _search_field()
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
