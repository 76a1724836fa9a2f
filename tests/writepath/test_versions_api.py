"""Every record answers with its version (ETag); a stale If-Match is refused with 412 and changes nothing."""

from __future__ import annotations

import pytest

from core.records import services as records
from core.records.models import Account, Deal
from tests.writepath.conftest import api_for


@pytest.fixture
def account(team, in_alpha):
    return records.account_create(actor=team.member, data={"name": "Versioned Co"})


def test_detail_answers_carry_the_version_as_etag(team, account):
    api = api_for(team.member)
    response = api.get(f"/api/v1/accounts/{account.pk}")
    assert response.status_code == 200
    assert (response["ETag"], response.json()["version"]) == ('"1"', 1)
    changed = api.patch(f"/api/v1/accounts/{account.pk}", {"industry": "制造"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    assert (changed["ETag"], changed.json()["version"]) == ('"2"', 2)


def test_a_stale_if_match_is_refused_with_the_current_version_and_nothing_changes(team, account):
    api = api_for(team.member)
    records.account_update(actor=team.owner, account=account, data={"city": "杭州"})  # someone else saved: v2
    response = api.patch(f"/api/v1/accounts/{account.pk}", {"city": "苏州"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    body = response.json()["error"]
    assert (body["code"], response["ETag"]) == ("stale_version", '"2"')
    assert body["fields"][0]["path"] == "version"
    assert Account.objects.values_list("city", "version").get(pk=account.pk) == ("杭州", 2)
    # a weak or bare ETag of the current version is accepted
    assert api.patch(f"/api/v1/accounts/{account.pk}", {"city": "苏州"}, format="json",
                     HTTP_IF_MATCH='W/"2"').status_code == 200


def test_delete_with_a_stale_if_match_keeps_the_record(team, account, in_alpha):
    api = api_for(team.member)
    deal = records.deal_create(actor=team.member, data={"name": "Keep me", "account": account.pk})
    records.deal_update(actor=team.member, deal=deal, data={"amount": "5"})
    assert api.delete(f"/api/v1/deals/{deal.pk}", HTTP_IF_MATCH='"1"').status_code == 412
    assert Deal.objects.filter(pk=deal.pk).exists()
    assert api.delete(f"/api/v1/deals/{deal.pk}", HTTP_IF_MATCH='"2"').status_code == 204
    assert not Deal.objects.filter(pk=deal.pk).exists()


def test_an_unreadable_if_match_is_a_clear_error_not_a_server_error(team, account):
    response = api_for(team.member).patch(f"/api/v1/accounts/{account.pk}", {"city": "x"}, format="json",
                                          HTTP_IF_MATCH="yesterday")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_if_match"


def test_without_if_match_the_save_merges_with_what_is_stored(team, account):
    """No precondition: the change is written field by field over the current record, never a stale copy."""
    api = api_for(team.member)
    records.account_update(actor=team.owner, account=account, data={"city": "杭州"})
    assert api.patch(f"/api/v1/accounts/{account.pk}", {"industry": "零售"}, format="json").status_code == 200
    assert Account.objects.values_list("city", "industry", "version").get(pk=account.pk) == ("杭州", "零售", 3)
