"""Input PostgreSQL would refuse is a 400 naming the field, caught where requests are parsed.

Each class here was a 500 before (found by the fuzz test, test_fuzz.py): NUL characters in any text,
times PostgreSQL cannot store, wrong JSON types, integers beyond bigint. The answers are in the one error
shape and in the user's language (alpha's owner reads Chinese); nothing is written.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.records.models import Account
from tests.factories import PASSWORD, WORKSPACES

NUL_MESSAGE = "不允许包含空字符。"


@pytest.fixture
def owner_api(api_alpha) -> APIClient:
    token = api_alpha.post("/api/v1/auth/token", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD},
                           format="json").json()["token"]
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_alpha


def _fields(response, status: int = 400, code: str = "validation_error") -> list[dict]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error["fields"]


def _accounts(alpha) -> int:
    with schema_context(alpha.schema_name):
        return Account.objects.count()


def test_nul_characters_anywhere_in_a_json_body_are_named_by_path(owner_api, alpha):
    # given a body with NUL characters in a text, a list item and a custom field's key
    before = _accounts(alpha)
    # when it is posted
    response = owner_api.post("/api/v1/accounts", {"name": "A\x00B", "emails": ["a@b.test", "c\x00@d.test"],
                                                   "custom": {"k\x00": "v"}}, format="json")
    # then each is named by its JSON path, and nothing is saved
    assert _fields(response) == [
        {"path": "name", "code": "null_characters_not_allowed", "message": NUL_MESSAGE},
        {"path": "emails.1", "code": "null_characters_not_allowed", "message": NUL_MESSAGE},
        {"path": "custom.k\\0", "code": "null_characters_not_allowed", "message": NUL_MESSAGE},
    ]
    assert _accounts(alpha) == before


def test_nul_characters_in_the_query_string_are_refused_after_authentication(owner_api, api_beta):
    assert _fields(owner_api.get("/api/v1/accounts?q=a%00b&city=ok")) == [
        {"path": "q", "code": "null_characters_not_allowed", "message": NUL_MESSAGE}]
    assert _fields(owner_api.get("/api/v1/audit-log?entity%00=x")) == [
        {"path": "entity\\0", "code": "null_characters_not_allowed", "message": NUL_MESSAGE}]
    # a stranger learns nothing more than 401
    assert APIClient(HTTP_HOST="alpha.localhost").get("/api/v1/accounts?q=%00").status_code == 401


def test_times_postgresql_cannot_store_are_refused(owner_api):
    offset = "请使用 -15:59 到 +15:59 之间的 UTC 偏移。"
    years = "请使用公元 1 年到 9999 年之间的时间。"
    body = {"kind": "call", "subject": "x", "occurred_at": "2026-01-01T10:00:00+18:00"}
    assert _fields(owner_api.post("/api/v1/activities", body, format="json")) == [
        {"path": "occurred_at", "code": "invalid", "message": offset}]
    body = {"title": "x", "due_at": "0001-01-01T00:00:00+05:00", "remind_at": "9999-12-31T23:00:00-08:00"}
    assert _fields(owner_api.post("/api/v1/tasks", body, format="json")) == [
        {"path": "due_at", "code": "invalid", "message": years},
        {"path": "remind_at", "code": "invalid", "message": years}]
    # the list filters are parsed by the same rules
    assert _fields(owner_api.get("/api/v1/activities?occurred_after=2026-01-01T00:00:00%2B18:20")) == [
        {"path": "occurred_after", "code": "invalid", "message": offset}]
    assert _fields(owner_api.get("/api/v1/tickets?created_before=0001-01-01T00:00:00%2B01:00")) == [
        {"path": "created_before", "code": "invalid", "message": years}]


def test_wrong_json_types_are_field_errors(owner_api, alpha):
    before = _accounts(alpha)
    response = owner_api.post("/api/v1/accounts", {"name": ["A"], "emails": False, "tags": {"a": 1},
                                                   "custom": [], "owner": True}, format="json")
    assert {(f["path"], f["code"]) for f in _fields(response)} == {
        ("name", "invalid"), ("emails", "invalid"), ("tags", "invalid"), ("custom", "invalid"),
        ("owner", "invalid")}
    assert _fields(owner_api.post("/api/v1/accounts", [{"name": "A"}], format="json")) == [
        {"path": "", "code": "invalid", "message": "请发送 JSON 对象。"}]
    assert _fields(owner_api.post("/api/v1/products", {"name": "P", "sku": "S", "unit_price": "1",
                                                       "active": "maybe"}, format="json")) == [
        {"path": "active", "code": "invalid", "message": "在售必须是 true 或 false。"}]
    assert _accounts(alpha) == before


def test_integers_beyond_bigint_in_paths_queries_and_bodies(owner_api):
    huge = 10**20
    assert _fields(owner_api.get(f"/api/v1/accounts/{huge}"), 404, "not_found") == []
    assert owner_api.get(f"/api/v1/accounts?owner={huge}").json()["results"] == []
    assert _fields(owner_api.post("/api/v1/deals", {"name": "D", "account": huge}, format="json")) == [
        {"path": "account", "code": "max_value", "message": "数字太大。"}]
    # as a string it passes the parser, and the field cleaning refuses it
    fields = _fields(owner_api.post("/api/v1/deals", {"name": "D", "account": str(huge)}, format="json"))
    assert [(f["path"], f["code"]) for f in fields] == [("account", "invalid")]
    assert [(f["path"], f["code"]) for f in _fields(owner_api.post(
        "/api/v1/products", {"name": "P", "sku": "S", "unit_price": "1e30"}, format="json"))] == [
        ("unit_price", "max_value")]


def test_bodies_that_are_not_json_or_too_large(owner_api, settings):
    response = owner_api.generic("POST", "/api/v1/accounts", '{"name": "A",', content_type="application/json")
    assert _fields(response, 400, "invalid_json") == []
    assert response.json()["error"]["message"] == "请求正文不是有效的 JSON。"
    response = owner_api.post("/api/v1/accounts", {"name": "A"})  # multipart: the API reads JSON only
    assert _fields(response, 415, "unsupported_media_type") == []
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = owner_api.post("/api/v1/accounts", {"name": "x" * 2048}, format="json")
    assert _fields(response, 413, "request_too_large") == []
    assert response.json()["error"]["message"] == "请求正文过大：最多 1 kB。"
