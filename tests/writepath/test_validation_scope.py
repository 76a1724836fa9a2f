"""Checks inside a write run within what the actor may see: a link, a stage gate's account values, a
conditionally required field — none answers from a record hidden from the actor (no oracle)."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from core.customization import services as config
from core.customization.current import current_version, default_document
from core.records import services as records


@pytest.fixture
def linked(team, in_alpha):
    document = default_document()
    document["custom_fields"] = {"deal": [
        {"key": "referrer", "type": "link", "link_entity": "account",
         "label": {"zh-hans": "推荐客户", "en": "Referrer"}}]}
    document["pipelines"][0]["stages"][2]["entry_condition"] = {"field": "account.level", "op": "eq", "value": "A"}
    config.config_save(actor=team.owner, document=copy.deepcopy(document), base_version=current_version())
    mine = records.account_create(actor=team.member, data={"name": "Mine Co", "level": "A"})
    hidden_a = records.account_create(actor=team.member2, data={"name": "Hidden A", "level": "A"})
    hidden_b = records.account_create(actor=team.member2, data={"name": "Hidden B", "level": "B"})
    return team, mine, hidden_a, hidden_b


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_link_to_a_hidden_record_is_the_same_no_such_record_as_an_absent_one(linked):
    team, mine, hidden_a, _hidden_b = linked
    deal = records.deal_create(actor=team.member, data={"name": "Linked", "account": mine.pk})
    hidden = _errors(lambda: records.deal_update(actor=team.member, deal=deal, data={"custom": {"referrer": hidden_a.pk}}))
    absent = _errors(lambda: records.deal_update(actor=team.member, deal=deal, data={"custom": {"referrer": 10**9}}))
    assert hidden == absent == {"custom.referrer": ["Referrer: no such record."]}
    saved = records.deal_update(actor=team.member, deal=deal, data={"custom": {"referrer": mine.pk}})
    assert saved.custom == {"referrer": mine.pk}


def test_a_stage_gate_does_not_read_an_account_hidden_from_the_mover(linked):
    """member's own deals under member2's accounts: level A or B, the gate answers alike."""
    team, mine, hidden_a, hidden_b = linked
    answers = []
    for account in (hidden_a, hidden_b):
        deal = records.deal_create(actor=team.owner, data={"name": f"On {account.name}", "account": account.pk,
                                                           "owner": team.member.pk})
        answers.append(_errors(lambda deal=deal: records.deal_move(actor=team.member, deal=deal, stage="proposal")))
    assert answers[0] == answers[1]
    assert list(answers[0]) == ["stage"]
    # on the mover's own account (level A) the same gate lets the deal in
    own = records.deal_create(actor=team.member, data={"name": "Own", "account": mine.pk})
    assert records.deal_move(actor=team.member, deal=own, stage="proposal").stage == "proposal"
