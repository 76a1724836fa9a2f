"""Web forms of leads. They only collect input: core.leads.services validates and decides.

Field names are keys of LEAD_FIELDS / CONVERT_FIELDS, so the service's errors land next to the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.customization.record_form import (
    FilterForm,
    RecordForm,
    join_list,
    menu_field,
    search_field,
    text_field,
)
from core.entities.masking import mask_phones

from .fields import CONVERT_FIELDS, LEAD_FIELDS
from .models import Lead

PHONE_HELP = _("Separate with commas, for example 138 1234 5678, +86 21 1234 5678.")


class LeadForm(RecordForm):
    entity = "lead"

    company = text_field(LEAD_FIELDS, "company")
    name = text_field(LEAD_FIELDS, "name")
    title = text_field(LEAD_FIELDS, "title")
    phones = text_field(LEAD_FIELDS, "phones", widget=forms.TextInput(attrs={"inputmode": "tel"}), help_text=PHONE_HELP)
    phones_clear = forms.BooleanField(label=_("Remove all phone numbers"), required=False)
    emails = text_field(LEAD_FIELDS, "emails", widget=forms.TextInput(attrs={"inputmode": "email"}),
                   help_text=_("Separate with commas."))
    source = text_field(LEAD_FIELDS, "source")
    grade = menu_field(LEAD_FIELDS, "grade", [("", "—"), *Lead.Grade.choices])
    score = text_field(LEAD_FIELDS, "score", widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                  help_text=_("0 to 100."))
    status = menu_field(LEAD_FIELDS, "status", Lead.Status.choices)
    disqualified_reason = text_field(LEAD_FIELDS, "disqualified_reason")
    owner = menu_field(LEAD_FIELDS, "owner", [])

    list_fields = ("phones", "emails")
    extra_fields = ("phones_clear",)
    # phones are never put into the page in clear: typing replaces them, an empty input keeps them
    keep_when_empty = ("phones",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.instance
        if lead is not None and lead.phones:
            self.fields["phones"].help_text = _("Now: %(masked)s. Leave empty to keep them; type numbers to "
                                                "replace them.") % {"masked": ", ".join(mask_phones(lead.phones))}
        else:
            del self.fields["phones_clear"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("phones_clear") and "phones" not in data:
            data["phones"] = []
        return data

    @staticmethod
    def initial_for(lead: Lead) -> dict[str, Any]:
        return {"company": lead.company, "name": lead.name, "title": lead.title, "emails": join_list(lead.emails),
                "source": lead.source, "grade": lead.grade, "score": str(lead.score), "status": lead.status,
                "disqualified_reason": lead.disqualified_reason, "owner": lead.owner_id or ""}


class DisqualifyForm(forms.Form):
    """The reason `lead_disqualify` requires, under the name of the field its error names."""

    disqualified_reason = forms.CharField(label=_("Reason"), required=False,
                                          help_text=_("Why is this not a prospect?"))

    def service_data(self) -> dict[str, Any]:
        return {"disqualified_reason": self.cleaned_data.get("disqualified_reason", "")}


class ConvertForm(forms.Form):
    """What `lead_convert` takes: an existing account or none (a new one), and optionally a deal."""

    account = forms.CharField(label=_("Account"), required=False, widget=forms.Select(),
                              help_text=_("Pick one of your accounts, or leave “New account” to create one from "
                                          "the lead's company."))
    create_deal = forms.BooleanField(label=CONVERT_FIELDS["create_deal"].label, required=False)
    deal_name = forms.CharField(label=CONVERT_FIELDS["deal_name"].label, required=False,
                                help_text=_("Empty: the account's name."))
    amount = forms.CharField(label=CONVERT_FIELDS["amount"].label, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, accounts: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.choices = [("", _("New account")), *accounts]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        # a deal name or an amount typed in asks for a deal as much as the tick does
        return {"account_id": data.get("account") or None,
                "create_deal": bool(data.get("create_deal") or data.get("deal_name") or data.get("amount")),
                "deal_name": data.get("deal_name", ""), "amount": data.get("amount") or None}


class LeadFilterForm(FilterForm):
    q = search_field()
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Lead.Status.choices])
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[("", _("Any")), *Lead.Grade.choices])
    owner = forms.ChoiceField(label=pgettext_lazy("record", "Owner"), required=False)
    in_pool = forms.ChoiceField(label=_("Lead pool"), required=False,
                                choices=[("", _("Any")), ("true", _("In the pool")), ("false", _("Owned"))])
    converted = forms.ChoiceField(label=_("Converted"), required=False,
                                  choices=[("", _("Any")), ("true", _("yes")), ("false", _("no"))])
