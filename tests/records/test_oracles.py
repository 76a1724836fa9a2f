"""Filters and ordering are no oracles: a reader filters and sorts only by what they may read
(core.customization.query_rules). Finance, which reads no phone, email or address of an account,
filters and sorts by none of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.audit.models import AuditAction, AuditEntry
from core.records import services as records
from tests.factories import PASSWORD
from tests.records.conftest import api_for

NUMBER = "13912345678"
CUSTOM_FIELDS = {"account": [
    {"key": "segment", "type": "text", "label": {"zh-hans": "细分市场", "en": "Segment"}},
    {"key": "credit_code", "type": "text", "label": {"zh-hans": "授信编号", "en": "Credit code"},
     "visible_to": ["owner", "admin"]},
    {"key": "pin", "type": "text", "label": {"zh-hans": "口令", "en": "PIN"}, "sensitive": True},
]}


def _ids(api, path, **params) -> list[int]:
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _fields(response) -> list[dict]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error"}  # no rows, no counts
    return body["error"]["fields"]


@pytest.fixture
def shared(team, alpha):
    """member2's account with a phone and an email, shared (read) with member."""
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.owner, data={
            "name": "成都远景教育有限公司", "owner": team.member2.pk, "phones": [NUMBER],
            "emails": ["ceo@yuanjing.cn"], "province": "四川", "city": "成都", "industry": "教育",
            "tags": ["vip"]})
        records.account_share(actor=team.owner, account=account, user=team.member, access="read")
    return account


@pytest.fixture
def configured(team, alpha):
    """Account custom fields: one everybody sees, one hidden from finance, one sensitive; owner and
    finance read the API in English."""
    from core.customization import services as config
    from core.customization.current import current_version, default_document
    from core.users.services import user_update_profile

    with schema_context(alpha.schema_name):
        for user in (team.owner, team.finance):
            user_update_profile(user=user, language="en")
        document = default_document()
        document["custom_fields"] = CUSTOM_FIELDS
        config.config_save(actor=team.owner, document=document, base_version=current_version())
    return team


# --- filters and ordering ------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "path", "message"), [
    ({"province": "四川"}, "province", "“province” is not a field you can filter on."),
    ({"city": "成都"}, "city", "“city” is not a field you can filter on."),
    ({"industry": "教育"}, "industry", "“industry” is not a field you can filter on."),
    ({"tag": "vip"}, "tag", "“tag” is not a field you can filter on."),
    ({"emails": "ceo@yuanjing.cn"}, "emails", "“emails” is not a field you can filter on."),
    ({"phones": NUMBER}, "phones", "“phones” is not a field you can filter on."),
    ({"ordering": "emails"}, "ordering", "You cannot sort by “emails”."),
    ({"custom.credit_code": "A1"}, "custom.credit_code", "“credit_code” is not a custom field you can filter on."),
    ({"custom.credit_code__contains": "A"}, "custom.credit_code__contains",
     "“credit_code” is not a custom field you can filter on."),
    ({"ordering": "-custom.credit_code"}, "ordering", "You cannot sort by “-custom.credit_code”."),
])
def test_finance_filtering_or_sorting_by_a_field_it_cannot_read_is_refused_naming_it(
        configured, alpha, shared, params, path, message):
    team = configured
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.owner, account=shared, data={"custom": {"credit_code": "A1"}})
    finance = api_for(team.finance)
    with schema_context(alpha.schema_name):
        exports = AuditEntry.objects.filter(action=AuditAction.EXPORT).count()
    answer = finance.get("/api/v1/accounts", params)
    assert _fields(answer) == [{"path": path, "code": "invalid_filter", "message": message}]
    # the same answer whether a record matches or not: nothing to count
    value = next(iter(params.values()))
    missing = {key: ("不存在" if key != "ordering" else value) for key in params}
    other = finance.get("/api/v1/accounts", missing)
    assert {k: v for k, v in other.json()["error"].items() if k != "request_id"} == \
        {k: v for k, v in answer.json()["error"].items() if k != "request_id"}
    # the export refuses the same way, and writes no export entry
    assert _fields(finance.get("/api/v1/accounts/export", params)) == [
        {"path": path, "code": "invalid_filter", "message": message}]
    with schema_context(alpha.schema_name):
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == exports


def test_finance_filters_and_sorts_by_what_it_reads(configured, alpha, shared):
    team = configured
    with schema_context(alpha.schema_name):
        other = records.account_create(actor=team.owner, data={"name": "Alpha Trading", "level": "A",
                                                               "custom": {"segment": "manufacturing"}})
        records.account_update(actor=team.owner, account=shared, data={"custom": {"segment": "education"}})
    finance = api_for(team.finance)
    assert _ids(finance, "/api/v1/accounts", level="A") == [other.pk]
    assert _ids(finance, "/api/v1/accounts", ordering="name") == [other.pk, shared.pk]
    assert _ids(finance, "/api/v1/accounts", **{"custom.segment": "education"}) == [shared.pk]
    assert _ids(finance, "/api/v1/accounts", ordering="-custom.segment") == [other.pk, shared.pk]
    # the owner may use every filter finance may not
    owner = api_for(team.owner)
    assert _ids(owner, "/api/v1/accounts", province="四川") == [shared.pk]
    assert _ids(owner, "/api/v1/accounts", **{"custom.credit_code__isnull": "true"}) == [other.pk, shared.pk]


def test_nobody_filters_or_sorts_by_a_sensitive_custom_field(configured, alpha, shared):
    team = configured
    owner = api_for(team.owner)
    assert _fields(owner.get("/api/v1/accounts", {"custom.pin": "1234"})) == [
        {"path": "custom.pin", "code": "invalid_filter", "message": "“pin” is not a custom field you can filter on."}]
    assert _fields(owner.get("/api/v1/accounts", {"ordering": "custom.pin"})) == [
        {"path": "ordering", "code": "invalid_filter", "message": "You cannot sort by “custom.pin”."}]
    # a field that does not exist gets the very same words
    assert _fields(owner.get("/api/v1/accounts", {"ordering": "custom.nope"})) == [
        {"path": "ordering", "code": "invalid_filter", "message": "You cannot sort by “custom.nope”."}]


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/leads", "/api/v1/deals", "/api/v1/tickets",
                                  "/api/v1/activities", "/api/v1/tasks", "/api/v1/campaigns"])
def test_every_list_refuses_an_ordering_it_does_not_offer(configured, alpha, path):
    team = configured
    answer = api_for(team.owner).get(path, {"ordering": "phones"})
    assert _fields(answer) == [{"path": "ordering", "code": "invalid_filter",
                                "message": "You cannot sort by “phones”."}]


def test_the_web_list_offers_finance_no_filter_by_fields_it_cannot_read(team, alpha, shared):
    with schema_context(alpha.schema_name):
        other = records.account_create(actor=team.owner, data={"name": "阿尔法贸易", "province": "浙江"})
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.finance.email, "password": PASSWORD}).status_code == 302
    page = client.get("/accounts/", {"province": "四川", "city": "成都"}).context
    # the parameters are ignored: every account, as without them
    assert [a.pk for a, _out in page["rows"]] == [other.pk, shared.pk]
    assert set(page["filter_form"].fields) == {"q", "owner", "level", "status"}
    owner = Client(HTTP_HOST="alpha.localhost")
    assert owner.post("/login/", {"email": team.owner.email, "password": PASSWORD}).status_code == 302
    page = owner.get("/accounts/", {"province": "四川"}).context
    assert [a.pk for a, _out in page["rows"]] == [shared.pk]
    assert {"province", "city"} <= set(page["filter_form"].fields)
