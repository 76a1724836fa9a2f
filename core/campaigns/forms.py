"""Web forms of campaigns: the list's filters (a GET form; the list applies the API's CampaignFilter)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.records.forms import FilterForm

from .models import Campaign


class CampaignFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Campaign.Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any")), *Campaign.Channel.choices])
