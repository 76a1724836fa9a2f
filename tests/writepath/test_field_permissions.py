"""The write path refuses a field the role may not write, whatever the value: no equality oracle.

Before, sending a hidden or read-only custom field with exactly its stored value answered 200, so a
correct guess could be told from a wrong one. Now a hidden field is unknown to the role (the same error
as a key that does not exist) and a read-only one is refused, and nothing is written either way.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.customization.records import plain
from core.records import services as records
from core.records.models import Account
from tests.writepath.conftest import api_for


@pytest.fixture
def account(configured):
    team = configured
    return records.account_create(actor=team.owner, data={
        "name": "Secret Co", "owner": team.member.pk,
        "custom": {"credit_limit": "300万", "vip_note": "老客户", "segment": "制造"}})


@pytest.mark.parametrize("value", ["300万", "999万"])  # the stored value and a wrong guess: the same answer
def test_a_hidden_custom_field_is_unknown_to_the_role_whatever_the_value(configured, account, value):
    team = configured
    with pytest.raises(ValidationError) as refused:
        records.account_update(actor=team.member, account=account, data={"custom": {"credit_limit": value}})
    assert refused.value.message_dict == {"custom": ["Unknown custom field “credit_limit”."]}
    assert Account.objects.get(pk=account.pk).version == account.version


@pytest.mark.parametrize("value", ["老客户", "新客户"])
def test_a_read_only_custom_field_is_refused_whatever_the_value(configured, account, value):
    team = configured
    with pytest.raises(ValidationError) as refused:
        records.account_update(actor=team.member, account=account, data={"custom": {"vip_note": value}})
    assert list(refused.value.message_dict) == ["custom.vip_note"]
    assert plain(Account.objects.get(pk=account.pk).custom)["vip_note"] == "老客户"


def test_the_api_gives_a_guess_and_a_miss_the_same_answer(configured, account):
    api = api_for(configured.member)
    answers = [api.patch(f"/api/v1/accounts/{account.pk}", {"custom": {"credit_limit": guess}}, format="json")
               for guess in ("300万", "1万")]
    assert [a.status_code for a in answers] == [400, 400]
    bodies = [a.json()["error"]["fields"] for a in answers]
    assert bodies[0] == bodies[1]


def test_a_field_the_role_may_write_still_saves(configured, account):
    saved = records.account_update(actor=configured.member, account=account, data={"custom": {"segment": "零售"}})
    assert plain(saved.custom) == {"credit_limit": "300万", "vip_note": "老客户", "segment": "零售"}


def test_a_built_in_field_outside_the_roles_view_is_unknown_to_it(configured, account):
    """Finance reads only billing fields of an account; it cannot write at all — the answer still names no field."""
    team = configured
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        records.account_update(actor=team.finance, account=account, data={"address": "上海"})
    if isinstance(refused.value, ValidationError):
        assert refused.value.message_dict == {"address": ["“address” is not a field of this record."]}
    assert Account.objects.get(pk=account.pk).address == ""


def test_the_write_path_checks_field_permissions_itself():
    """A service cannot forget the check: save_record refuses hidden built-in fields for any caller."""
    from core.entities.registry import registry
    from core.writepath.save import _refuse_fields

    class Finance:
        role = "finance"
        is_authenticated = True
        is_active = True
        pk = 0

    with pytest.raises(ValidationError) as refused:
        _refuse_fields(registry.get("account"), Finance(), {"address": "x", "billing_name": "y"})
    assert list(refused.value.message_dict) == ["address"]
