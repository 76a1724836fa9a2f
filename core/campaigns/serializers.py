"""How campaigns, their members and metrics leave the API. Money is a string, as for deals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from core.access.policy import Access
from core.customization.records import custom_out

from .models import Campaign, CampaignMember


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def campaign_out(campaign: Campaign, access: Access) -> dict[str, Any]:
    """Needs a campaign from core.campaigns.selectors.campaigns (the metrics are annotations)."""
    return {
        "id": campaign.pk, "version": campaign.version,
        "name": campaign.name,
        "channel": campaign.channel,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "budget": str(campaign.budget),
        "currency": campaign.currency,
        "status": campaign.status,
        "description": campaign.description,
        "owner": campaign.owner_id,
        "lead_count": campaign.lead_count,
        "contact_count": campaign.contact_count,
        "deal_count": campaign.deal_count,
        "won_amount": _money(campaign.won_amount),
        "cost_per_lead": _money(campaign.cost_per_lead),
        "roi": _money(campaign.roi),
        "custom": custom_out("campaign", campaign.custom, role=access.role or "", may_reveal=False),
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
    }


def member_out(member: CampaignMember, access: Access) -> dict[str, Any]:
    lead, contact = member.lead, member.contact
    return {
        "id": member.pk,
        "lead": {"id": lead.pk, "name": lead.name, "company": lead.company, "status": lead.status} if lead else None,
        "contact": {"id": contact.pk, "name": contact.name, "account": contact.account_id} if contact else None,
        "added_at": member.added_at,
    }


class CampaignOut(serializers.Serializer):
    """Documentation of the campaign shape (the API builds it with `campaign_out`)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    name = serializers.CharField()
    channel = serializers.ChoiceField(choices=Campaign.Channel.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    budget = serializers.CharField(help_text="Decimal as a string, e.g. 10000.00.")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=Campaign.Status.choices)
    owner = serializers.IntegerField(allow_null=True)
    lead_count = serializers.IntegerField()
    contact_count = serializers.IntegerField()
    deal_count = serializers.IntegerField()
    won_amount = serializers.CharField(allow_null=True, help_text="Sum of the won attributed deals in the campaign's currency.")
    cost_per_lead = serializers.CharField(allow_null=True, help_text="budget / lead members; null without leads.")
    roi = serializers.CharField(allow_null=True, help_text="won_amount / budget, e.g. 2.50; null when budget is 0.")
    description = serializers.CharField(allow_blank=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class MemberLeadOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    company = serializers.CharField(allow_blank=True)
    status = serializers.CharField()


class MemberContactOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    account = serializers.IntegerField(allow_null=True)


class MemberOut(serializers.Serializer):
    """A campaign member, as `member_out` builds it: a lead or a contact."""

    id = serializers.IntegerField()
    lead = MemberLeadOut(allow_null=True)
    contact = MemberContactOut(allow_null=True)
    added_at = serializers.DateTimeField()


class MemberIdsOut(serializers.Serializer):
    leads = serializers.ListField(child=serializers.IntegerField())
    contacts = serializers.ListField(child=serializers.IntegerField())


class MembersAddedOut(serializers.Serializer):
    added = MemberIdsOut(help_text="The ids that were not members yet.")
    campaign = CampaignOut()


class MembersRemovedOut(serializers.Serializer):
    removed = MemberIdsOut(help_text="The ids that were members.")
    campaign = CampaignOut()


class DealAttributedOut(serializers.Serializer):
    deal = serializers.IntegerField()
    campaign = CampaignOut()
