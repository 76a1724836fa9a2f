"""Campaign memberships follow a merged contact to the survivor (registered in entities.py).

A campaign that already has the survivor keeps one membership; each campaign whose members changed
gets a trail entry on its `members`, like adding or removing members does.
"""

from __future__ import annotations

from typing import Any

from core.entities.trail import record_trails

from .models import CampaignMember


def move_with_contact(*, actor: Any, from_record: Any, to_record: Any) -> dict[str, int]:
    rows = list(CampaignMember.objects.filter(contact=from_record).select_related("campaign"))
    if not rows:
        return {"campaign_members": 0}
    already = set(CampaignMember.objects.filter(contact=to_record, campaign_id__in=[m.campaign_id for m in rows])
                  .values_list("campaign_id", flat=True))
    CampaignMember.objects.filter(contact=from_record, campaign_id__in=already).delete()
    moved = CampaignMember.objects.filter(contact=from_record).update(contact=to_record)
    change = {"members": ({"contacts": [from_record.pk]}, {"contacts": [to_record.pk]})}
    record_trails(actor=actor, entity="campaign", action="update",
                  items=[(member.campaign_id, str(member.campaign), change) for member in rows])
    return {"campaign_members": moved}
