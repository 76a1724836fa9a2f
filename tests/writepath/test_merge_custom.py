"""Merging keeps custom values: each custom field is offered like a built-in one, and nothing is lost."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.audit.models import AuditEntry, FieldChange
from core.customization.records import plain
from core.records import services as records
from core.records.models import Account


@pytest.fixture
def pair(configured):
    team = configured
    survivor = records.account_create(actor=team.owner, data={"name": "Acme", "custom": {"segment": "制造"}})
    other = records.account_create(actor=team.owner, data={
        "name": "ACME Co., Ltd.", "city": "杭州",
        "custom": {"segment": "零售", "credit_limit": "80万", "vip_note": "老客户", "pin": "4321"}})
    return team, survivor, other


def test_the_survivor_keeps_its_values_and_gains_the_others_where_it_had_none(pair):
    team, survivor, other = pair
    merged = records.account_merge(actor=team.admin, survivor=survivor, other=other)
    stored = Account.objects.get(pk=merged.pk)
    # before, the survivor's empty document won and the other's custom values disappeared
    assert plain(stored.custom) == {"segment": "制造", "credit_limit": "80万", "vip_note": "老客户", "pin": "4321"}
    assert stored.city == "杭州"
    assert stored.custom["pin"] != "4321"  # a sensitive value stays encrypted at rest after the merge
    # and the history says what the merge brought, sensitive values masked
    brought = dict(FieldChange.objects.filter(entity="account", record_id=survivor.pk, actor=team.admin)
                   .values_list("field", "new_value"))
    assert brought == {"city": "杭州", "custom.credit_limit": "80万", "custom.vip_note": "老客户",
                       "custom.pin": "****"}
    entry = AuditEntry.objects.get(action="merge", record_id=survivor.pk)
    assert entry.changes["merged_from"] == [None, other.pk]


def test_a_chosen_custom_value_from_the_other_record_wins(pair):
    team, survivor, other = pair
    merged = records.account_merge(actor=team.admin, survivor=survivor, other=other,
                                   choices={"custom.segment": "other", "city": "survivor"})
    stored = Account.objects.get(pk=merged.pk)
    assert plain(stored.custom)["segment"] == "零售"
    assert stored.city == ""
    assert Account.objects.get(pk=other.pk).merged_into_id == survivor.pk


def test_a_choice_naming_no_field_is_refused_and_nothing_moves(pair):
    team, survivor, other = pair
    with pytest.raises(ValidationError) as refused:
        records.account_merge(actor=team.admin, survivor=survivor, other=other, choices={"custom.nope": "other"})
    assert list(refused.value.message_dict) == ["choices.custom.nope"]
    assert Account.objects.get(pk=other.pk).merged_into_id is None
    assert plain(Account.objects.get(pk=survivor.pk).custom) == {"segment": "制造"}
