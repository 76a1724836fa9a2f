"""Search, filters, ordering and duplicate checks are no oracles: none of them tells a reader anything
that masking or field permissions hide (core.customization.query_rules, docs/security.md).

Every role that reads phones sees them masked (139****5678): a search matches the four digits the mask
shows, and — for roles that may reveal phones — the whole number, audited; no other fragment. Finance,
which reads no phone or email of an account, searches, filters, sorts and compares by neither."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.audit.models import AuditAction, AuditEntry
from core.records import services as records
from tests.factories import PASSWORD
from tests.records.conftest import api_for

NUMBER = "13912345678"
# fragments that run into the masked middle digits (3912345678 is a valid number of its own)
MASKED_FRAGMENTS = ["1391", "9123", "1234", "391234", "12345678", "1391234567", "3912345678"]
CUSTOM_FIELDS = {"account": [
    {"key": "segment", "type": "text", "label": {"zh-hans": "细分市场", "en": "Segment"}},
    {"key": "credit_code", "type": "text", "label": {"zh-hans": "授信编号", "en": "Credit code"},
     "visible_to": ["owner", "admin"]},
    {"key": "pin", "type": "text", "label": {"zh-hans": "口令", "en": "PIN"}, "sensitive": True},
]}


def _lookups(alpha, actor) -> list[tuple[str, str, list[str]]]:
    with schema_context(alpha.schema_name):
        return list(AuditEntry.objects.filter(actor=actor, action=AuditAction.PHONE_LOOKUP).order_by("id")
                    .values_list("entity", "record_label", "fields"))


def _ids(api, path, **params) -> list[int]:
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _csv_lines(response) -> int:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().count("\n")


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


# --- search --------------------------------------------------------------------------------------

def test_finance_finds_no_account_by_any_part_of_a_phone_or_an_email(team, alpha, shared):
    finance = api_for(team.finance)
    # finance sees the account (by name) but none of its phones or emails
    assert _ids(finance, "/api/v1/accounts", q="远景") == [shared.pk]
    random_answer = finance.get("/api/v1/accounts", {"q": "7350"}).json()
    assert random_answer == {"next": None, "previous": None, "results": []}
    for query in [*MASKED_FRAGMENTS, "5678", NUMBER, "+86 139-1234-5678", "ceo@yuanjing", "yuanjing.cn"]:
        assert finance.get("/api/v1/accounts", {"q": query}).json() == random_answer, query
        assert _csv_lines(finance.get("/api/v1/accounts/export", {"q": query})) == 1, query
    # the web list and the search page answer the same
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.finance.email, "password": PASSWORD}).status_code == 302
    assert [a.pk for a, _out in client.get("/accounts/", {"q": "5678"}).context["rows"]] == []
    page = client.get("/search/", {"q": NUMBER}).context
    assert (page["accounts"], page["contacts"], page["found"]) == ([], [], False)
    # and no lookup by a whole number happened: finance may not make one
    assert _lookups(alpha, team.finance) == []


def test_a_member_finds_a_shared_account_by_its_shown_digits_or_whole_number_never_by_masked_ones(
        team, alpha, shared):
    member = api_for(team.member)
    assert [row["phones"] for row in member.get("/api/v1/accounts").json()["results"]] == [["139****5678"]]
    for fragment in MASKED_FRAGMENTS:
        assert _ids(member, "/api/v1/accounts", q=fragment) == [], fragment
    # the digits the mask shows, and the whole number however it is written
    assert _ids(member, "/api/v1/accounts", q="5678") == [shared.pk]
    assert _ids(member, "/api/v1/accounts", q=NUMBER) == [shared.pk]
    assert _ids(member, "/api/v1/accounts", q="+86 139-1234-5678") == [shared.pk]
    # each search by a whole number is in the audit log, masked — the hit and the valid fragment that missed
    assert _lookups(alpha, team.member) == [("account", "391***5678", ["phones"]),
                                            ("account", "139****5678", ["phones"]),
                                            ("account", "139****5678", ["phones"])]
    # the web list and the search page follow the same rule
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    assert [a.pk for a, _out in client.get("/accounts/", {"q": "1234"}).context["rows"]] == []
    assert [a.pk for a, _out in client.get("/accounts/", {"q": "5678"}).context["rows"]] == [shared.pk]
    assert [a.pk for a in client.get("/search/", {"q": "9123"}).context["accounts"]] == []
    assert [a.pk for a in client.get("/search/", {"q": NUMBER}).context["accounts"]] == [shared.pk]
    # the page searched accounts and contacts by the whole number: one entry each
    assert _lookups(alpha, team.member)[-2:] == [("account", "139****5678", ["phones"]),
                                                 ("contact", "139****5678", ["phones"])]


def test_a_viewer_matches_the_shown_digits_but_no_whole_number(team, alpha, shared):
    with schema_context(alpha.schema_name):
        records.account_share(actor=team.owner, account=shared, user=team.viewer, access="read")
    viewer = api_for(team.viewer)
    assert _ids(viewer, "/api/v1/accounts", q="5678") == [shared.pk]
    # a viewer cannot reveal a number, so it cannot confirm a guess of one either
    assert _ids(viewer, "/api/v1/accounts", q=NUMBER) == []
    assert _lookups(alpha, team.viewer) == []


def test_contacts_and_leads_follow_the_same_phone_rule(team, alpha, shared):
    from core.leads import services as leads

    with schema_context(alpha.schema_name):
        contact = records.contact_create(actor=team.owner, data={
            "name": "王芳", "account": shared.pk, "owner": team.member2.pk, "phones": ["13700005678"]})
        lead = leads.lead_create(actor=team.member, data={"name": "李雷", "phones": ["13600005678"]})
    member = api_for(team.member)
    for path, pk in (("/api/v1/contacts", contact.pk), ("/api/v1/leads", lead.pk)):
        assert _ids(member, path, q="0000") == [], path
        assert _ids(member, path, q="0005") == [], path
        assert _ids(member, path, q="5678") == [pk], path
    assert _ids(member, "/api/v1/contacts", q="13700005678") == [contact.pk]
    assert _ids(member, "/api/v1/leads", q="13600005678") == [lead.pk]
    assert _lookups(alpha, team.member) == [("contact", "137****5678", ["phones"]),
                                            ("lead", "136****5678", ["phones"])]


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


# --- duplicate checks ----------------------------------------------------------------------------

def test_a_duplicate_check_by_phone_or_email_as_finance_compares_neither(team, alpha, shared):
    with schema_context(alpha.schema_name):
        twin = records.account_create(actor=team.owner, data={"name": "Twin Co", "owner": team.member.pk,
                                                              "phones": [NUMBER]})
    finance = api_for(team.finance)
    nothing = {"matches": [], "hidden_matches": 0}
    assert finance.post("/api/v1/accounts/duplicates", {"phones": ["13700007777"]}, format="json").json() == nothing
    assert finance.post("/api/v1/accounts/duplicates", {"phones": [NUMBER]}, format="json").json() == nothing
    assert finance.post("/api/v1/accounts/duplicates", {"emails": ["ceo@yuanjing.cn"]},
                        format="json").json() == nothing
    # the name is what finance reads, and what it is matched by
    by_name = finance.post("/api/v1/accounts/duplicates", {"name": "成都远景教育"}, format="json").json()
    assert ([m["id"] for m in by_name["matches"]], by_name["hidden_matches"]) == ([shared.pk], 0)
    assert "phones" not in by_name["matches"][0]
    # an account's duplicates: the twin shares the phone only, so finance is told of none; the owner is
    assert finance.get(f"/api/v1/accounts/{twin.pk}/duplicates").json() == nothing
    assert [m["id"] for m in api_for(team.owner).get(f"/api/v1/accounts/{twin.pk}/duplicates").json()["matches"]] \
        == [shared.pk]
    assert _lookups(alpha, team.finance) == []


def test_a_duplicate_check_by_typed_numbers_is_audited_and_counts_unseen_matches_for_creators(team, alpha, shared):
    with schema_context(alpha.schema_name):
        hidden = records.account_create(actor=team.owner, data={"name": "Hidden Co", "owner": team.member2.pk,
                                                                "phones": ["13800001111"]})
    member = api_for(team.member)
    check = member.post("/api/v1/accounts/duplicates", {"phones": ["138 0000 1111"]}, format="json").json()
    assert check == {"matches": [], "hidden_matches": 1}
    assert _lookups(alpha, team.member) == [("account", "138****1111", ["phones"])]
    # support, who creates no accounts, is told only of the matches it may see: no count of the others
    support = api_for(team.support)
    assert support.post("/api/v1/accounts/duplicates", {"name": "Hidden Co", "phones": ["13800001111"]},
                        format="json").json() == {"matches": [], "hidden_matches": 0}
    assert hidden.pk not in _ids(support, "/api/v1/accounts")


# --- stored tokens -------------------------------------------------------------------------------

def test_the_migration_replaces_every_fragment_token_by_the_whole_number_and_its_shown_digits(team, alpha, shared):
    import importlib

    from django.apps import apps

    from core.crypto.cipher import phone_search_tokens
    from core.entities.search import phone_exact_token, phone_tail_token, text_tokens
    from core.records.models import Account

    migration = importlib.import_module("core.records.migrations.0004_phone_search_tokens")
    old = sorted(text_tokens(shared.name) | text_tokens("ceo@yuanjing.cn")
                 | {"p:" + token[:30] for token in phone_search_tokens("13912345678")})
    with schema_context(alpha.schema_name):
        Account.objects.filter(pk=shared.pk).update(search_tokens=old)  # as written before the change
        migration.retokenize(apps, None)
        tokens = set(Account.objects.get(pk=shared.pk).search_tokens)
    assert {token for token in tokens if token.startswith(("p:", "pe:", "pt:"))} == {
        phone_exact_token("+8613912345678"), phone_tail_token("5678")}
    assert tokens - {phone_exact_token("+8613912345678"), phone_tail_token("5678")} == \
        text_tokens(shared.name) | text_tokens("ceo@yuanjing.cn")
