"""Campaigns in the entity registry (called from CampaignsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.entities.registry import EntityType, registry

from . import selectors
from .fields import CAMPAIGN_FIELDS
from .models import Campaign


def register() -> None:
    from . import merges, panels

    panels.register_panels()

    registry.register(EntityType(
        key="campaign", model=Campaign, label=_("Campaign"), label_plural=_("Campaigns"), fields=CAMPAIGN_FIELDS,
        read=selectors.campaigns, write=selectors.writable_campaigns, may_create=selectors.can_write_campaigns,
        url_name="campaigns:campaign_detail", position=70))
    registry.on_merge("contact", merges.move_with_contact)
