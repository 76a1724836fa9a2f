"""The records team of workspace alpha (all roles), and a workspace configuration with custom fields."""

import copy

import pytest

from tests.records.conftest import Team, api_for, in_alpha, team

__all__ = ["Team", "api_for", "in_alpha", "team"]

FIELDS = {
    "account": [
        {"key": "credit_limit", "type": "text", "label": {"zh-hans": "信用额度", "en": "Credit limit"},
         "visible_to": ["owner", "admin", "finance"]},
        {"key": "segment", "type": "text", "label": {"zh-hans": "细分市场", "en": "Segment"}},
        {"key": "vip_note", "type": "text", "label": {"zh-hans": "贵宾备注", "en": "VIP note"},
         "editable_by": ["owner", "admin", "manager"]},
        {"key": "pin", "type": "text", "label": {"zh-hans": "口令", "en": "PIN"}, "sensitive": True},
    ],
    "deal": [{"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号", "en": "Budget code"}}],
}


@pytest.fixture
def configured(team, in_alpha):
    """Workspace alpha with account and deal custom fields (one hidden from most roles, one read-only)."""
    from core.customization import services as config
    from core.customization.current import current_version, default_document

    document = default_document()
    document["custom_fields"] = copy.deepcopy(FIELDS)
    config.config_save(actor=team.owner, document=document, base_version=current_version())
    return team
