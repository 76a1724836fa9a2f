"""Real answers of the main operations validate against the OpenAPI document the workspace serves.

For each call: its status code is one the operation documents, its content type too, and its body
validates (jsonschema, Draft 2020-12) against the documented schema for that status. The fuzz test
(test_fuzz.py) covers every operation with generated input; this one walks the happy paths and the
errors on purpose, with data that exists, for every record type and action.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from tests.factories import PASSWORD, WORKSPACES, make_user

HOST = "alpha.localhost"


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a union with null."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


class Document:
    def __init__(self, raw: dict):
        self.raw = raw
        self.components = _json_schema(raw["components"])
        self.checked: set[tuple[str, str, int]] = set()

    def check(self, response, method: str, path: str) -> Any:
        """Assert `response` is what the document says `method path` answers; return its JSON body."""
        operation = self.raw["paths"][path][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], (method, path, status, response.content[:300])
        documented = operation["responses"][status]
        self.checked.add((method, path, response.status_code))
        content = documented.get("content")
        if not content:
            assert not response.content, (method, path, status, response.content[:300])
            return None
        media_type = response["Content-Type"].split(";")[0]
        assert media_type in content, (method, path, status, media_type, list(content))
        if media_type != "application/json":
            return b"".join(response.streaming_content) if response.streaming else response.content
        body = response.json()
        schema = {**_json_schema(content[media_type]["schema"]), "components": self.components}
        errors = sorted(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
                        .iter_errors(body), key=str)
        assert not errors, (method, path, status, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]])
        return body


def _client(email: str) -> APIClient:
    client = APIClient(HTTP_HOST=HOST)
    token = client.post("/api/v1/auth/token", {"email": email, "password": PASSWORD}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def doc(alpha) -> Document:
    response = APIClient(HTTP_HOST=HOST).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return Document(json.loads(response.content))


@pytest.fixture
def owner(alpha) -> APIClient:
    return _client(WORKSPACES["alpha"].owner_email)


def _call(doc: Document, client: APIClient, method: str, path: str, url: str, body: Any = None, **extra):
    response = getattr(client, method.lower())(url, body, format="json", **extra) if body is not None else \
        getattr(client, method.lower())(url, **extra)
    return response, doc.check(response, method, path)


def test_records_answer_as_documented(doc, owner, alpha):
    me = owner.get("/api/v1/me").json()["id"]
    # accounts: create, list, read, change, duplicates, reveal, pool, export, 360 view, merge, reassign
    response, account = _call(doc, owner, "POST", "/api/v1/accounts", "/api/v1/accounts",
                              {"name": "文档科技有限公司", "phones": ["13812345678"], "emails": ["a@doc.test"],
                               "bank_account": "6222020200112233", "tags": ["vip"]})
    assert response.status_code == 201 and account["possible_duplicates"] == {"ids": [], "hidden": 0}
    aid = account["id"]
    _, other = _call(doc, owner, "POST", "/api/v1/accounts", "/api/v1/accounts",
                     {"name": "文档科技", "emails": ["a@doc.test"]})
    assert other["possible_duplicates"] == {"ids": [aid], "hidden": 0}
    _call(doc, owner, "GET", "/api/v1/accounts", "/api/v1/accounts?q=文档")
    _call(doc, owner, "GET", "/api/v1/accounts/{id}", f"/api/v1/accounts/{aid}")
    _call(doc, owner, "PATCH", "/api/v1/accounts/{id}", f"/api/v1/accounts/{aid}", {"level": "A"})
    _, duplicates = _call(doc, owner, "GET", "/api/v1/accounts/{id}/duplicates", f"/api/v1/accounts/{aid}/duplicates")
    assert [match["id"] for match in duplicates["matches"]] == [other["id"]]
    _call(doc, owner, "POST", "/api/v1/accounts/duplicates", "/api/v1/accounts/duplicates",
          {"name": "文档科技", "phones": [], "emails": []})
    _, revealed = _call(doc, owner, "POST", "/api/v1/accounts/{id}/reveal", f"/api/v1/accounts/{aid}/reveal",
                        {"field": "phones"})
    assert revealed == {"field": "phones", "value": ["+8613812345678"]}
    _call(doc, owner, "POST", "/api/v1/accounts/{id}/release", f"/api/v1/accounts/{aid}/release", {})
    _call(doc, owner, "POST", "/api/v1/accounts/{id}/claim", f"/api/v1/accounts/{aid}/claim", {})
    response, csv = _call(doc, owner, "GET", "/api/v1/accounts/export", "/api/v1/accounts/export")
    assert csv.decode("utf-8-sig").splitlines()[0].startswith("id,version,name,")
    _, reassigned = _call(doc, owner, "POST", "/api/v1/accounts/reassign", "/api/v1/accounts/reassign",
                          {"ids": [other["id"]], "owner": me})
    assert reassigned == {"reassigned": 1}

    # contacts, deals, products
    _, contact = _call(doc, owner, "POST", "/api/v1/contacts", "/api/v1/contacts",
                       {"name": "王伟", "account": aid, "phones": ["13912345678"], "birthday": "1990-05-01"})
    _, twin = _call(doc, owner, "POST", "/api/v1/contacts", "/api/v1/contacts",
                    {"name": "王伟", "account": aid, "phones": ["13912345678"]})
    _call(doc, owner, "GET", "/api/v1/contacts", "/api/v1/contacts")
    _call(doc, owner, "GET", "/api/v1/contacts/{id}", f"/api/v1/contacts/{contact['id']}")
    _call(doc, owner, "PATCH", "/api/v1/contacts/{id}", f"/api/v1/contacts/{contact['id']}", {"title": "CTO"})
    _call(doc, owner, "GET", "/api/v1/contacts/{id}/duplicates", f"/api/v1/contacts/{contact['id']}/duplicates")
    _call(doc, owner, "POST", "/api/v1/contacts/{id}/reveal", f"/api/v1/contacts/{contact['id']}/reveal",
          {"field": "phones"})
    _, merged = _call(doc, owner, "POST", "/api/v1/contacts/merge", "/api/v1/contacts/merge",
                      {"survivor": contact["id"], "other": twin["id"]})
    assert merged["id"] == contact["id"]
    _, deal = _call(doc, owner, "POST", "/api/v1/deals", "/api/v1/deals",
                    {"name": "大订单", "account": aid, "contact": contact["id"], "amount": "5000",
                     "expected_close_date": "2026-12-31"})
    _call(doc, owner, "GET", "/api/v1/deals", "/api/v1/deals?amount_min=100")
    _call(doc, owner, "GET", "/api/v1/deals/{id}", f"/api/v1/deals/{deal['id']}")
    _call(doc, owner, "PATCH", "/api/v1/deals/{id}", f"/api/v1/deals/{deal['id']}", {"probability": 40})
    _, moved = _call(doc, owner, "POST", "/api/v1/deals/{id}/move", f"/api/v1/deals/{deal['id']}/move",
                     {"stage": "lost", "reason": "预算不足"})
    assert moved["stage_kind"] == "lost"
    _, product = _call(doc, owner, "POST", "/api/v1/products", "/api/v1/products",
                       {"name": "传感器", "sku": "DOC-1", "unit_price": "12.50"})
    _call(doc, owner, "GET", "/api/v1/products", "/api/v1/products")
    _call(doc, owner, "GET", "/api/v1/products/{id}", f"/api/v1/products/{product['id']}")
    _call(doc, owner, "PATCH", "/api/v1/products/{id}", f"/api/v1/products/{product['id']}", {"active": False})

    # the 360 view, then merging the two accounts and deleting a contact
    _, overview = _call(doc, owner, "GET", "/api/v1/accounts/{id}/overview", f"/api/v1/accounts/{aid}/overview")
    assert [d["id"] for d in overview["deals"]] == [deal["id"]]
    _call(doc, owner, "POST", "/api/v1/accounts/merge", "/api/v1/accounts/merge",
          {"survivor": aid, "other": other["id"]})
    response, _ = _call(doc, owner, "GET", "/api/v1/accounts/{id}", f"/api/v1/accounts/{other['id']}")
    assert response.status_code == 301
    _, lone = _call(doc, owner, "POST", "/api/v1/contacts", "/api/v1/contacts", {"name": "Temp"})
    response, _ = _call(doc, owner, "DELETE", "/api/v1/contacts/{id}", f"/api/v1/contacts/{lone['id']}")
    assert response.status_code == 204


def test_leads_activities_tasks_tickets_campaigns_answer_as_documented(doc, owner, alpha):
    me = owner.get("/api/v1/me").json()["id"]
    account = owner.post("/api/v1/accounts", {"name": "客户有限公司"}, format="json").json()["id"]
    _, lead = _call(doc, owner, "POST", "/api/v1/leads", "/api/v1/leads",
                    {"name": "李娜", "company": "新客户", "phones": ["13712345678"], "score": 70})
    _call(doc, owner, "GET", "/api/v1/leads", "/api/v1/leads?status=new")
    _call(doc, owner, "GET", "/api/v1/leads/{id}", f"/api/v1/leads/{lead['id']}")
    _call(doc, owner, "PATCH", "/api/v1/leads/{id}", f"/api/v1/leads/{lead['id']}", {"status": "qualified"})
    _, converted = _call(doc, owner, "POST", "/api/v1/leads/{id}/convert", f"/api/v1/leads/{lead['id']}/convert",
                         {"create_deal": True, "deal_name": "首单", "amount": "800"})
    assert converted["converted"] is True
    response, error = _call(doc, owner, "POST", "/api/v1/leads/{id}/convert",
                            f"/api/v1/leads/{lead['id']}/convert", {})
    assert (response.status_code, error["error"]["code"]) == (409, "already_converted")

    _, activity = _call(doc, owner, "POST", "/api/v1/activities", "/api/v1/activities",
                        {"kind": "visit", "subject": "拜访", "account": account,
                         "occurred_at": "2026-03-01T10:00:00+08:00", "duration_minutes": 60})
    assert activity["occurred_at"] == "2026-03-01T02:00:00Z"
    _call(doc, owner, "GET", "/api/v1/activities", "/api/v1/activities?kind=visit")
    _call(doc, owner, "GET", "/api/v1/activities/{id}", f"/api/v1/activities/{activity['id']}")
    _call(doc, owner, "PATCH", "/api/v1/activities/{id}", f"/api/v1/activities/{activity['id']}", {"outcome": "ok"})
    _, task = _call(doc, owner, "POST", "/api/v1/tasks", "/api/v1/tasks",
                    {"title": "回电", "account": account, "due_at": "2026-03-02T09:00:00+08:00"})
    _call(doc, owner, "GET", "/api/v1/tasks", "/api/v1/tasks?mine=true")
    _call(doc, owner, "GET", "/api/v1/tasks/{id}", f"/api/v1/tasks/{task['id']}")
    _call(doc, owner, "PATCH", "/api/v1/tasks/{id}", f"/api/v1/tasks/{task['id']}", {"description": "带资料"})
    _, done = _call(doc, owner, "POST", "/api/v1/tasks/{id}/complete", f"/api/v1/tasks/{task['id']}/complete", {})
    assert done["done"] is True

    _, ticket = _call(doc, owner, "POST", "/api/v1/tickets", "/api/v1/tickets",
                      {"account": account, "subject": "无法登录", "priority": "high"})
    tid = ticket["id"]
    _call(doc, owner, "GET", "/api/v1/tickets", "/api/v1/tickets?priority=high")
    _call(doc, owner, "GET", "/api/v1/tickets/{id}", f"/api/v1/tickets/{tid}")
    _call(doc, owner, "PATCH", "/api/v1/tickets/{id}", f"/api/v1/tickets/{tid}", {"category": "账号"})
    _call(doc, owner, "POST", "/api/v1/tickets/{id}/assign", f"/api/v1/tickets/{tid}/assign", {"assignee": me})
    _call(doc, owner, "POST", "/api/v1/tickets/{id}/respond", f"/api/v1/tickets/{tid}/respond", {})
    _call(doc, owner, "POST", "/api/v1/tickets/{id}/resolve", f"/api/v1/tickets/{tid}/resolve", {"resolution": "重置"})
    _call(doc, owner, "POST", "/api/v1/tickets/{id}/rate", f"/api/v1/tickets/{tid}/rate", {"score": 5})
    _call(doc, owner, "POST", "/api/v1/tickets/{id}/close", f"/api/v1/tickets/{tid}/close", {})
    _, reopened = _call(doc, owner, "POST", "/api/v1/tickets/{id}/reopen", f"/api/v1/tickets/{tid}/reopen", {})
    assert reopened["status"] == "open"

    _, campaign = _call(doc, owner, "POST", "/api/v1/campaigns", "/api/v1/campaigns",
                        {"name": "展会", "start_date": "2026-04-01", "budget": "1000"})
    cid = campaign["id"]
    _call(doc, owner, "GET", "/api/v1/campaigns", "/api/v1/campaigns")
    _call(doc, owner, "GET", "/api/v1/campaigns/{id}", f"/api/v1/campaigns/{cid}")
    _call(doc, owner, "PATCH", "/api/v1/campaigns/{id}", f"/api/v1/campaigns/{cid}", {"status": "active"})
    _, added = _call(doc, owner, "POST", "/api/v1/campaigns/{id}/members", f"/api/v1/campaigns/{cid}/members",
                     {"leads": [lead["id"]], "contacts": [converted["converted_contact"]]})
    assert added["added"] == {"leads": [lead["id"]], "contacts": [converted["converted_contact"]]}
    _call(doc, owner, "GET", "/api/v1/campaigns/{id}/members", f"/api/v1/campaigns/{cid}/members")
    response, _ = _call(doc, owner, "POST", "/api/v1/campaigns/{id}/deals", f"/api/v1/campaigns/{cid}/deals",
                        {"deal": converted["converted_deal"]})
    assert response.status_code == 201
    _call(doc, owner, "GET", "/api/v1/campaigns/{id}/deals", f"/api/v1/campaigns/{cid}/deals")
    _, removed = _call(doc, owner, "DELETE", "/api/v1/campaigns/{id}/members", f"/api/v1/campaigns/{cid}/members",
                       {"leads": [lead["id"]]})
    assert removed["removed"] == {"leads": [lead["id"]], "contacts": []}
    _call(doc, owner, "GET", "/api/v1/reports/pipeline", "/api/v1/reports/pipeline")
    _call(doc, owner, "GET", "/api/v1/meta/fields/{entity}", "/api/v1/meta/fields/deal")
    _call(doc, owner, "GET", "/api/v1/config/versions", "/api/v1/config/versions")
    _call(doc, owner, "GET", "/api/v1/config/versions/{number}", "/api/v1/config/versions/0")
    _call(doc, owner, "GET", "/api/v1/config/presets", "/api/v1/config/presets")
    _call(doc, owner, "POST", "/api/v1/config/validate", "/api/v1/config/validate", {"document": {}})


def test_restricted_roles_answer_as_documented(doc, owner, alpha):
    # finance sees a few account fields and every deal: still the documented shapes
    account = owner.post("/api/v1/accounts", {"name": "财务视角公司", "phones": ["13812345678"]},
                         format="json").json()["id"]
    owner.post("/api/v1/deals", {"name": "账款", "account": account, "amount": "10"}, format="json")
    finance = _client(make_user(alpha, role="finance", email="finance@alpha.test").email)
    _, listed = _call(doc, finance, "GET", "/api/v1/accounts", "/api/v1/accounts")
    assert sorted(listed["results"][0]) == ["bank_account", "billing_name", "created_at", "custom", "id", "kind",
                                            "level", "name", "owner", "status", "tax_number", "updated_at", "version"]
    _, deals = _call(doc, finance, "GET", "/api/v1/deals", "/api/v1/deals")
    assert [deal["name"] for deal in deals["results"]] == ["账款"]
    viewer = _client(make_user(alpha, role="viewer", email="viewer@alpha.test").email)
    response, error = _call(doc, viewer, "POST", "/api/v1/accounts", "/api/v1/accounts", {"name": "X"})
    assert (response.status_code, error["error"]["code"]) == (403, "permission_denied")


def test_errors_answer_as_documented(doc, owner, alpha, settings):
    response, error = _call(doc, owner, "POST", "/api/v1/deals", "/api/v1/deals", {"name": ""})
    assert (response.status_code, [f["path"] for f in error["error"]["fields"]]) == (400, ["name", "account"])
    response, _ = _call(doc, APIClient(HTTP_HOST=HOST), "GET", "/api/v1/deals", "/api/v1/deals")
    assert response.status_code == 401
    response, _ = _call(doc, owner, "GET", "/api/v1/deals/{id}", "/api/v1/deals/987654321")
    assert response.status_code == 404
    response, error = _call(doc, owner, "GET", "/api/v1/deals", "/api/v1/deals?cursor=not-a-cursor")
    assert (response.status_code, error["error"]["code"]) == (404, "not_found")
    response, error = _call(doc, owner, "POST", "/api/v1/deals", "/api/v1/deals", content_type="text/plain",
                            data="name=x")
    assert (response.status_code, error["error"]["code"]) == (415, "unsupported_media_type")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response, error = _call(doc, owner, "POST", "/api/v1/accounts", "/api/v1/accounts", {"name": "x" * 2000})
    assert (response.status_code, error["error"]["code"]) == (413, "request_too_large")
    response, error = _call(doc, owner, "PUT", "/api/v1/config", "/api/v1/config", {"document": {}})
    assert (response.status_code, error["error"]["code"]) == (428, "precondition_required")
    anonymous = APIClient(HTTP_HOST=HOST)
    for _ in range(20):
        anonymous.post("/api/v1/auth/token", {"email": "nobody@alpha.test", "password": "x"}, format="json")
    response, error = _call(doc, anonymous, "POST", "/api/v1/auth/token", "/api/v1/auth/token",
                            {"email": "nobody@alpha.test", "password": "x"})
    assert (response.status_code, error["error"]["code"]) == (429, "throttled")
