"""The records API end to end: create, validate, search, 360 view, merge, pool, reveal, isolation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.audit.models import AuditEntry
from core.records import services
from core.records.models import Account, Contact, Deal
from tests.records.conftest import api_for


@pytest.fixture
def owner_api(team):
    return api_for(team.owner)


def test_create_account_normalizes_and_masks(owner_api):
    response = owner_api.post("/api/v1/accounts", {
        "name": "杭州示例科技有限公司", "kind": "company", "level": "A", "phones": ["138 1234 5678"],
        "emails": ["Sales@Example.COM"], "province": "浙江省", "city": "杭州市", "district": "西湖区",
        "bank_account": "6222020200112233445", "tags": "重点, 制造业"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phones"] == ["138****5678"]
    assert body["emails"] == ["sales@example.com"]
    assert body["bank_account"] == "****3445"
    assert body["tags"] == ["重点", "制造业"]


def test_validation_errors_name_every_field(owner_api):
    response = owner_api.post("/api/v1/accounts", {"name": "", "phones": ["12"], "emails": ["nope"],
                                                   "status": "bogus", "nickname": "x"}, format="json")
    assert response.status_code == 400
    fields = {(f["path"], f["code"]) for f in response.json()["error"]["fields"]}
    assert fields == {("name", "required"), ("phones", "invalid_phone"), ("emails", "invalid_email"),
                      ("status", "invalid_choice"), ("nickname", "unknown_field")}


def test_phones_are_encrypted_at_rest(owner_api, alpha):
    response = owner_api.post("/api/v1/accounts", {"name": "Secret Co", "phones": ["13912345678"],
                                                   "bank_account": "6222020200112233445"}, format="json")
    with schema_context(alpha.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT phones::text, bank_account, search_tokens::text "
                       "FROM records_account WHERE id = %s", [response.json()["id"]])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "13912345678" not in row and "12345678" not in row and "6222020200112233445" not in row
    assert "gx1:" in row


def test_search_finds_chinese_fragment_and_partial_phone(owner_api):
    owner_api.post("/api/v1/accounts", {"name": "杭州示例科技有限公司", "phones": ["13812345678"]}, format="json")
    owner_api.post("/api/v1/accounts", {"name": "上海另一家贸易公司", "phones": ["13900001111"]}, format="json")
    by_name = [a["name"] for a in owner_api.get("/api/v1/accounts", {"q": "示例"}).json()["results"]]
    by_phone = [a["name"] for a in owner_api.get("/api/v1/accounts", {"q": "5678"}).json()["results"]]
    by_full_phone = [a["name"] for a in owner_api.get("/api/v1/accounts", {"q": "+86 138-1234-5678"}).json()["results"]]
    assert by_name == ["杭州示例科技有限公司"]
    assert by_phone == ["杭州示例科技有限公司"]
    assert by_full_phone == ["杭州示例科技有限公司"]
    assert owner_api.get("/api/v1/accounts", {"q": "不存在"}).json()["results"] == []


def _make_accounts(actor, n):
    for i in range(n):
        account = services.account_create(actor=actor, data={"name": f"Bulk {i}", "phones": ["13812345678"],
                                                             "tags": ["x"]})
        services.contact_create(actor=actor, data={"name": f"C {i}", "account": account.pk})
        services.deal_create(actor=actor, data={"name": f"D {i}", "account": account.pk, "amount": "10"})


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/contacts", "/api/v1/deals"])
def test_list_endpoints_cost_the_same_queries_for_1_and_50_rows(team, alpha, path):
    member_api = api_for(team.member)
    with schema_context(alpha.schema_name):
        _make_accounts(team.member, 1)
    member_api.get(path)  # warm-up: token last-use and workspace activity writes happen once a minute
    with CaptureQueriesContext(connection) as one:
        assert len(member_api.get(path).json()["results"]) == 1
    with schema_context(alpha.schema_name):
        _make_accounts(team.member, 49)
    member_api.get(path)
    with CaptureQueriesContext(connection) as fifty:
        assert len(member_api.get(path).json()["results"]) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_detail_and_overview_views_are_audited(owner_api, alpha):
    account = owner_api.post("/api/v1/accounts", {"name": "Viewed Co"}, format="json").json()
    owner_api.get(f"/api/v1/accounts/{account['id']}")
    overview = owner_api.get(f"/api/v1/accounts/{account['id']}/overview")
    assert overview.status_code == 200
    assert set(overview.json()) == {"account", "contacts", "deals", "totals", "totals_by_currency", "tickets",
                                    "tasks", "activities", "campaigns", "history"}
    with schema_context(alpha.schema_name):
        views = AuditEntry.objects.filter(action="view", entity="account", record_id=account["id"])
        assert views.count() == 2


def test_reveal_returns_plaintext_for_allowed_roles_and_is_audited(team, alpha):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Reveal Co", "phones": ["13812345678"],
                                                  "owner": team.member.pk}, format="json").json()
    member_api = api_for(team.member)
    revealed = member_api.post(f"/api/v1/accounts/{account['id']}/reveal", {"field": "phones"}, format="json")
    assert revealed.json() == {"field": "phones", "value": ["+8613812345678"]}
    finance_api = api_for(team.finance)
    assert finance_api.post(f"/api/v1/accounts/{account['id']}/reveal", {"field": "phones"},
                            format="json").status_code == 403
    with schema_context(alpha.schema_name):
        reveals = list(AuditEntry.objects.filter(action="reveal", record_id=account["id"])
                       .values_list("actor__email", "fields"))
    assert reveals == [("member@alpha.test", ["phones"])]


def test_finance_sees_billing_fields_only(team):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Billing Co", "phones": ["13812345678"],
                                                  "billing_name": "Billing Co Ltd", "tax_number": "91330100X"},
                             format="json").json()
    body = api_for(team.finance).get(f"/api/v1/accounts/{account['id']}").json()
    assert set(body) == {"id", "version", "name", "kind", "level", "status", "billing_name", "tax_number", "bank_account",
                         "custom", "owner", "created_at", "updated_at"}


def test_pool_claim_and_release_are_on_the_timeline(team, alpha):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Pool Co", "owner": None}, format="json").json()
    assert account["in_pool"] is True
    member_api = api_for(team.member)
    claimed = member_api.post(f"/api/v1/accounts/{account['id']}/claim")
    assert claimed.status_code == 200 and claimed.json()["owner"] == team.member.pk
    again = api_for(team.member2).post(f"/api/v1/accounts/{account['id']}/claim")
    assert again.status_code in (404, 409)
    released = member_api.post(f"/api/v1/accounts/{account['id']}/release")
    assert released.json()["in_pool"] is True
    with schema_context(alpha.schema_name):
        actions = list(AuditEntry.objects.filter(record_id=account["id"], entity="account")
                       .order_by("id").values_list("action", flat=True))
    assert actions == ["create", "claim", "release"]


def test_merge_moves_every_related_record_and_old_id_redirects(team, alpha):
    owner_api = api_for(team.owner)
    first = owner_api.post("/api/v1/accounts", {"name": "Acme", "industry": "", "emails": ["a@acme.test"]},
                           format="json").json()
    second = owner_api.post("/api/v1/accounts", {"name": "ACME Co., Ltd.", "industry": "Machinery",
                                                 "emails": ["b@acme.test"]}, format="json").json()
    contact = owner_api.post("/api/v1/contacts", {"name": "Wang", "account": second["id"]}, format="json").json()
    deal = owner_api.post("/api/v1/deals", {"name": "Big order", "account": second["id"], "amount": "5000"},
                          format="json").json()
    merged = owner_api.post("/api/v1/accounts/merge", {"survivor": first["id"], "other": second["id"],
                                                       "choices": {"name": "survivor"}}, format="json")
    assert merged.status_code == 200, merged.content
    assert merged.json()["industry"] == "Machinery"  # empty on the survivor, taken from the other
    assert merged.json()["emails"] == ["a@acme.test", "b@acme.test"]
    with schema_context(alpha.schema_name):
        assert Contact.objects.get(pk=contact["id"]).account_id == first["id"]
        assert Deal.objects.get(pk=deal["id"]).account_id == first["id"]
        assert Account.objects.get(pk=second["id"]).merged_into_id == first["id"]
        assert AuditEntry.objects.filter(action="merge", record_id__in=[first["id"], second["id"]]).count() == 2
    old = owner_api.get(f"/api/v1/accounts/{second['id']}")
    assert old.status_code == 301 and old["Location"] == f"/api/v1/accounts/{first['id']}"
    listed = [a["id"] for a in owner_api.get("/api/v1/accounts").json()["results"]]
    assert second["id"] not in listed


def test_deal_move_records_history_and_rejects_unknown_stage(team, alpha):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Deal Co"}, format="json").json()
    deal = owner_api.post("/api/v1/deals", {"name": "Order", "account": account["id"], "amount": "99.5"},
                          format="json").json()
    assert (deal["stage"], deal["probability"], deal["amount"]) == ("initial_contact", 10, "99.50")
    moved = owner_api.post(f"/api/v1/deals/{deal['id']}/move", {"stage": "proposal"}, format="json").json()
    assert moved["stage"] == "proposal"
    bad = owner_api.post(f"/api/v1/deals/{deal['id']}/move", {"stage": "teleported"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"][0]["path"] == "stage"
    won = owner_api.post(f"/api/v1/deals/{deal['id']}/move", {"stage": "won", "reason": "Best price"},
                         format="json").json()
    assert won["stage_kind"] == "won" and won["closed_at"] is not None
    with schema_context(alpha.schema_name):
        from core.records.models import DealStageChange

        moves = list(DealStageChange.objects.filter(deal_id=deal["id"]).values_list("from_stage", "to_stage"))
    assert moves == [("", "initial_contact"), ("initial_contact", "proposal"), ("proposal", "won")]


def test_another_workspaces_ids_answer_like_absent(team, alpha, beta):
    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "Alpha Only"}, format="json").json()
    from rest_framework.test import APIClient as Client

    from tests.factories import WORKSPACES
    from tests.records.conftest import APIClient  # noqa: F401

    beta_api = Client(HTTP_HOST="beta.localhost")
    token = beta_api.post("/api/v1/auth/token", {"email": WORKSPACES["beta"].owner_email,
                                                 "password": "Test-pass-2026!"}, format="json").json()["token"]
    beta_api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    hidden = beta_api.get(f"/api/v1/accounts/{account['id']}")
    absent = beta_api.get("/api/v1/accounts/99999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    assert beta_api.patch(f"/api/v1/accounts/{account['id']}", {"name": "x"}, format="json").status_code == 404
    with schema_context(alpha.schema_name):
        assert Account.objects.get(pk=account["id"]).name == "Alpha Only"


def test_overview_shows_everything_under_the_account_in_constant_queries(team, alpha):
    from core.activities import services as activity_services
    from core.service import services as ticket_services

    owner_api = api_for(team.owner)
    account = owner_api.post("/api/v1/accounts", {"name": "360 Co"}, format="json").json()

    def add_round(n):
        with schema_context(alpha.schema_name):
            acc = Account.objects.get(pk=account["id"])
            for i in range(n):
                contact = services.contact_create(actor=team.owner, data={"name": f"P{i}", "account": acc.pk})
                services.deal_create(actor=team.owner, data={"name": f"D{i}", "account": acc.pk, "amount": "100"})
                ticket_services.ticket_create(actor=team.owner, data={"account": acc.pk, "contact": contact.pk,
                                                                      "subject": f"T{i}"})
                activity_services.activity_create(actor=team.owner, data={"kind": "call", "subject": f"A{i}",
                                                                          "account": acc.pk})
                activity_services.task_create(actor=team.owner, data={"title": f"K{i}", "account": acc.pk,
                                                                      "assignee": team.owner.pk})

    add_round(1)
    owner_api.get(f"/api/v1/accounts/{account['id']}/overview")
    with CaptureQueriesContext(connection) as small:
        body = owner_api.get(f"/api/v1/accounts/{account['id']}/overview").json()
    assert (len(body["contacts"]), len(body["deals"]), len(body["tickets"]), len(body["activities"]),
            len(body["tasks"])) == (1, 1, 1, 1, 1)
    add_round(10)
    with CaptureQueriesContext(connection) as large:
        body = owner_api.get(f"/api/v1/accounts/{account['id']}/overview").json()
    assert (len(body["contacts"]), len(body["tickets"]), len(body["tasks"])) == (11, 11, 11)
    assert body["totals"]["open_count"] == 11 and body["totals"]["open_amount"] == "1100.00"
    assert body["totals_by_currency"] == [{"currency": "CNY", "open_amount": "1100.00", "won_amount": "0.00"}]
    assert len(large.captured_queries) == len(small.captured_queries)
