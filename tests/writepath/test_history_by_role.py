"""Field history shows a reader only the fields they may read: the 360 view, its API and record pages."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import schema_context

from core.customization.history import readable_history
from core.records import services as records
from tests.factories import PASSWORD
from tests.writepath.conftest import api_for


def _history_fields(api, account) -> set[str]:
    body = api.get(f"/api/v1/accounts/{account.pk}/overview").json()
    return {row["field"] for row in body["history"]}


def test_finance_reads_no_contact_details_or_hidden_custom_fields_in_history(configured):
    team = configured
    account = records.account_create(actor=team.owner, data={"name": "History Co"})
    records.account_update(actor=team.owner, account=account, data={
        "emails": ["ceo@history.cn"], "address": "上海市浦东新区", "billing_name": "历史有限公司",
        "custom": {"credit_limit": "50万", "segment": "制造", "pin": "12345678"}})
    # the owner sees every change
    assert _history_fields(api_for(team.owner), account) >= {
        "emails", "address", "billing_name", "custom.credit_limit", "custom.segment", "custom.pin"}
    # finance: billing fields and the custom fields shown to it; never emails or the address
    finance = _history_fields(api_for(team.finance), account)
    assert "emails" not in finance and "address" not in finance
    assert {"billing_name", "custom.credit_limit"} <= finance
    # a manager of nobody's team who may open the account (the owner's, shared): no credit limit
    records.account_share(actor=team.owner, account=account, user=team.member, access="read")
    member = _history_fields(api_for(team.member), account)
    assert "custom.credit_limit" not in member and {"emails", "address", "custom.segment"} <= member


def test_sensitive_values_are_masked_in_history_even_when_short(configured):
    team = configured
    account = records.account_create(actor=team.owner, data={"name": "Short Co", "bank_account": "6222",
                                                              "custom": {"pin": "1234"}})
    rows = {row.field: row.new_value for row in readable_history(actor=team.owner, entity="account",
                                                                 record_id=account.pk)}
    # before, a four-character secret was kept in full ("****" + its last four characters)
    assert rows["bank_account"] == "****"
    assert rows["custom.pin"] == "****"
    long = records.account_create(actor=team.owner, data={"name": "Long Co", "bank_account": "6222020200112233"})
    assert {row.field: row.new_value for row in readable_history(
        actor=team.owner, entity="account", record_id=long.pk)}["bank_account"] == "****2233"


def test_the_account_page_timeline_leaves_hidden_fields_out(configured, alpha):
    team = configured
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.owner, data={"name": "Page Co"})
        records.account_update(actor=team.owner, account=account, data={"custom": {"credit_limit": "70万"}})
        records.account_share(actor=team.owner, account=account, user=team.member, access="read")
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    html = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "70万" not in html and 'data-field="custom.credit_limit"' not in html


def test_finance_reads_the_custom_fields_shown_to_it_in_the_api_as_on_the_page(configured):
    """The account answer, the page and the history agree on what finance reads of custom fields."""
    team = configured
    account = records.account_create(actor=team.owner, data={"name": "Agree Co", "custom": {
        "credit_limit": "20万", "segment": "制造"}})
    body = api_for(team.finance).get(f"/api/v1/accounts/{account.pk}").json()
    assert body["custom"] == {"credit_limit": "20万", "segment": "制造"}
    body = api_for(team.member).get(f"/api/v1/accounts/{account.pk}")
    assert body.status_code == 404  # not the member's account at all
