"""The OpenAPI document says what the API answers: each record type's own shape, its input body, and for
every operation the errors it can give, all in the one error shape (core.api.schema.GuanxiAutoSchema)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def document(alpha) -> dict:
    response = APIClient(HTTP_HOST="alpha.localhost").get("/api/v1/schema/",
                                                         HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return json.loads(response.content)


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _schema(operation: dict, status: str) -> dict:
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_errors_in_the_one_shape(document):
    for method, path, operation in _operations(document):
        errors = {status: body for status, body in operation["responses"].items() if status >= "400"}
        assert "400" in errors, (method, path)
        for status, body in errors.items():
            assert body["content"] == {"application/json": {"schema": ERROR}}, (method, path, status)
        if path != "/api/v1/auth/token":  # the one operation without a login
            assert {"401", "403"} <= set(errors), (method, path)
            if method != "GET":
                assert {"409", "423"} <= set(errors), (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= set(errors), (method, path)
            assert list(operation["requestBody"]["content"]) == ["application/json"], (method, path)
    auth = document["paths"]["/api/v1/auth/token"]["post"]
    assert sorted(auth["responses"]) == ["201", "400", "413", "415", "429"]
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["error"]
    detail = document["components"]["schemas"]["ErrorDetailOut"]
    assert sorted(detail["properties"]) == ["code", "fields", "message", "request_id", "status"]


RECORDS = {"accounts": "AccountOut", "contacts": "ContactOut", "deals": "DealOut", "products": "ProductOut",
           "leads": "LeadOut", "activities": "ActivityOut", "tasks": "TaskOut", "tickets": "TicketOut",
           "campaigns": "CampaignOut"}


@pytest.mark.parametrize("collection", list(RECORDS))
def test_each_record_type_has_its_own_shapes_and_input_body(document, collection):
    out = RECORDS[collection]
    shape = {"$ref": f"#/components/schemas/{out}"}
    listed = document["paths"][f"/api/v1/{collection}"]
    detail = document["paths"][f"/api/v1/{collection}/{{id}}"]
    assert _schema(listed["get"], "200") == {"$ref": f"#/components/schemas/Paginated{out}List"}
    assert document["components"]["schemas"][f"Paginated{out}List"]["properties"]["results"]["items"] == shape
    created = "AccountCreatedOut" if collection == "accounts" else out
    assert _schema(listed["post"], "201") == {"$ref": f"#/components/schemas/{created}"}
    assert _schema(detail["get"], "200") == shape
    assert _schema(detail["patch"], "200") == shape
    body = listed["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    patch = detail["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("InRequest") and patch.startswith("#/components/schemas/Patched")
    assert "Out" not in body and "Out" not in patch


def test_actions_export_and_duplicates_are_documented_as_they_answer(document):
    paths = document["paths"]
    assert list(paths["/api/v1/accounts/export"]) == ["get"]
    assert paths["/api/v1/accounts/export"]["get"]["responses"]["200"]["content"] == {
        "text/csv": {"schema": {"type": "string"}}}
    assert _schema(paths["/api/v1/accounts/duplicates"]["post"], "200") == {
        "$ref": "#/components/schemas/AccountDuplicatesOut"}
    assert _schema(paths["/api/v1/contacts/{id}/duplicates"]["get"], "200") == {
        "$ref": "#/components/schemas/ContactDuplicatesOut"}
    assert _schema(paths["/api/v1/deals/{id}/move"]["post"], "200") == {"$ref": "#/components/schemas/DealOut"}
    assert _schema(paths["/api/v1/contacts/merge"]["post"], "200") == {"$ref": "#/components/schemas/ContactOut"}
    assert _schema(paths["/api/v1/accounts/{id}/reveal"]["post"], "200") == {"$ref": "#/components/schemas/RevealOut"}
    assert _schema(paths["/api/v1/accounts/{id}/overview"]["get"], "200") == {
        "$ref": "#/components/schemas/AccountOverviewOut"}
    assert _schema(paths["/api/v1/campaigns/{id}/members"]["delete"], "200") == {
        "$ref": "#/components/schemas/MembersRemovedOut"}
    assert sorted(paths["/api/v1/config/rollback"]["post"]["responses"]) == [
        "201", "400", "401", "403", "404", "409", "413", "415", "423", "428"]
    assert list(paths["/api/v1/products/{id}"]) == ["get", "patch"]
    # no operation answers with, or takes, the account's shape unless it is about accounts
    for method, path, operation in _operations(document):
        if '"#/components/schemas/AccountOut"' in json.dumps(operation):
            assert path.startswith("/api/v1/accounts"), (method, path)
