"""Leads in the entity registry (called from LeadsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.entities.registry import EntityType, registry

from . import selectors
from .fields import LEAD_FIELDS
from .models import Lead


def register() -> None:
    registry.register(EntityType(
        key="lead", model=Lead, label=_("Lead"), label_plural=_("Leads"), fields=LEAD_FIELDS,
        read=selectors.leads, write=selectors.writable_leads, may_create=lambda access: access.can_write(),
        sensitive={"phones": "phones"}, url_name="leads:lead_detail", position=30))
