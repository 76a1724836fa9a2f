"""How leads leave the API: phones masked, as for accounts and contacts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.access.policy import Access
from core.customization.records import custom_out
from core.entities.masking import mask_phones

from .models import Lead


def lead_out(lead: Lead, access: Access) -> dict[str, Any]:
    data = {
        "id": lead.pk, "version": lead.version,
        "company": lead.company,
        "name": lead.name,
        "title": lead.title,
        "phones": mask_phones(lead.phones),
        "emails": lead.emails,
        "source": lead.source,
        "grade": lead.grade,
        "score": lead.score,
        "status": lead.status,
        "disqualified_reason": lead.disqualified_reason,
        "owner": lead.owner_id,
        "in_pool": lead.owner_id is None,
        "converted": lead.converted_at is not None,
        "converted_account": lead.converted_account_id,
        "converted_contact": lead.converted_contact_id,
        "converted_deal": lead.converted_deal_id,
        "converted_at": lead.converted_at,
        "custom": custom_out("lead", lead.custom, role=access.role or "", may_reveal=False),
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
    }
    if not access.sees_contact_details():
        for key in ("phones", "emails"):
            data.pop(key)
    return data


class LeadOut(serializers.Serializer):
    """Documentation of the lead shape (the API builds it with `lead_out`)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    company = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    phones = serializers.ListField(child=serializers.CharField(), required=False,
                                   help_text="Masked, e.g. 138****5678; absent for roles that may not see "
                                             "contact details.")
    emails = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.CharField(allow_blank=True)
    grade = serializers.ChoiceField(choices=Lead.Grade.choices, allow_blank=True)
    score = serializers.IntegerField(min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=Lead.Status.choices)
    disqualified_reason = serializers.CharField(allow_blank=True)
    owner = serializers.IntegerField(allow_null=True)
    in_pool = serializers.BooleanField()
    converted = serializers.BooleanField()
    converted_account = serializers.IntegerField(allow_null=True)
    converted_contact = serializers.IntegerField(allow_null=True)
    converted_deal = serializers.IntegerField(allow_null=True)
    converted_at = serializers.DateTimeField(allow_null=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
