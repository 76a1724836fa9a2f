"""Web forms of campaigns: the campaign form (it only collects input: core.campaigns.services validates and
decides, its errors land next to the fields) and the list's filters (a GET form; the list applies the API's
CampaignFilter)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.customization.record_form import (
    CURRENCY_CHOICES,
    DATE,
    FilterForm,
    RecordForm,
    menu_field,
    text_field,
)

from .fields import CAMPAIGN_FIELDS
from .models import Campaign


class CampaignForm(RecordForm):
    entity = "campaign"

    name = text_field(CAMPAIGN_FIELDS, "name")
    channel = menu_field(CAMPAIGN_FIELDS, "channel", Campaign.Channel.choices)
    status = menu_field(CAMPAIGN_FIELDS, "status", Campaign.Status.choices)
    start_date = text_field(CAMPAIGN_FIELDS, "start_date", widget=DATE)
    end_date = text_field(CAMPAIGN_FIELDS, "end_date", widget=DATE)
    budget = text_field(CAMPAIGN_FIELDS, "budget", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = menu_field(CAMPAIGN_FIELDS, "currency", CURRENCY_CHOICES)
    description = text_field(CAMPAIGN_FIELDS, "description", widget=forms.Textarea(attrs={"rows": 4}))
    owner = menu_field(CAMPAIGN_FIELDS, "owner", [])

    # a campaign always has a budget (0 for none): an emptied input keeps the stored one
    keep_when_empty = ("budget",)

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        return {"name": campaign.name, "channel": campaign.channel, "status": campaign.status,
                "start_date": campaign.start_date.isoformat() if campaign.start_date else "",
                "end_date": campaign.end_date.isoformat() if campaign.end_date else "",
                "budget": str(campaign.budget), "currency": campaign.currency,
                "description": campaign.description, "owner": campaign.owner_id or ""}


class CampaignFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Campaign.Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any")), *Campaign.Channel.choices])
