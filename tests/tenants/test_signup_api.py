"""Signup as JSON: POST /api/v1/signup on the public host."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from core.users.models import User
from tenants.models import Domain, Tenant

VALID = {
    "company_name": "杭州示例科技有限公司",
    "workspace": "hangzhou-demo",
    "name": "张伟",
    "email": "Zhang.Wei@Example.com",
    "password": "Lotus-garden-88",
    "language": "zh-hans",
}


def test_signup_creates_workspace_schema_domain_and_owner(public_api):
    # when a visitor signs up through the API
    response = public_api.post("/api/v1/signup", VALID, format="json")
    # then the workspace exists with its own schema, a domain and an owner login
    assert response.status_code == 201, response.content
    assert response.json() == {
        "workspace": "hangzhou-demo",
        "url": "http://hangzhou-demo.localhost/",
        "login_url": "http://hangzhou-demo.localhost/login/",
        "status": "trialing",
    }
    tenant = Tenant.objects.get(slug="hangzhou-demo")
    assert tenant.schema_name == "ws_hangzhou_demo"
    assert tenant.name == "杭州示例科技有限公司"
    assert tenant.default_language == "zh-hans"
    assert schema_exists("ws_hangzhou_demo")
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)) == ["hangzhou-demo.localhost"]
    with schema_context(tenant.schema_name):
        users = list(User.objects.values_list("email", "name", "role", "is_active"))
    assert users == [("zhang.wei@example.com", "张伟", "owner", True)]


def test_signup_owner_can_log_in_on_the_new_host(public_api):
    from rest_framework.test import APIClient

    public_api.post("/api/v1/signup", VALID, format="json")
    client = APIClient(HTTP_HOST="hangzhou-demo.localhost")
    response = client.post("/api/v1/auth/token", {"email": VALID["email"], "password": VALID["password"]},
                           format="json")
    assert response.status_code == 201
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.json()["role"] == "owner"
    assert me.json()["email"] == "zhang.wei@example.com"


@pytest.mark.parametrize(
    ("workspace", "code"),
    [
        ("", "required"),
        ("ab", "length"),
        ("a" * 31, "length"),
        ("-acme", "hyphen_edge"),
        ("acme-", "hyphen_edge"),
        ("Acme", "lowercase"),
        ("acme_co", "invalid_characters"),
        ("acme.co", "invalid_characters"),
        ("中文名", "invalid_characters"),
        ("www", "reserved"),
        ("admin", "reserved"),
        ("ops", "reserved"),
        ("tenant-template", "reserved"),
        ("alpha", "taken"),
    ],
)
def test_signup_rejects_each_broken_address_rule(public_api, workspace, code):
    before = Tenant.objects.count()
    response = public_api.post("/api/v1/signup", {**VALID, "workspace": workspace}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [(f["path"], f["code"]) for f in error["fields"]] == [("workspace", code)]
    assert Tenant.objects.count() == before


def test_signup_reports_every_field_at_once_in_chosen_language(public_api):
    response = public_api.post("/api/v1/signup", {"company_name": "", "workspace": "ok-name", "name": "",
                                                 "email": "not-an-email", "password": "12345678",
                                                 "language": "zh-hans"}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {(f["path"], f["code"]) for f in fields} == {
        ("company_name", "required"), ("name", "required"), ("email", "invalid"),
        ("password", "password_too_common"), ("password", "password_entirely_numeric"),
    }
    messages = {f["path"]: f["message"] for f in fields}
    assert messages["company_name"] == "请输入公司名称。"
    assert not schema_exists("ws_ok_name")


def test_signup_with_unknown_language_is_rejected(public_api):
    response = public_api.post("/api/v1/signup", {**VALID, "language": "fr"}, format="json")
    assert response.status_code == 400
    assert [(f["path"], f["code"]) for f in response.json()["error"]["fields"]] == [("language", "invalid_choice")]


def test_signup_leaves_nothing_behind_when_it_fails_midway(public_api, monkeypatch):
    # given a failure injected after the schema has been cloned
    from tenants import services

    real_clone = services.template_schema.clone_template_into

    def clone_then_crash(schema_name):
        real_clone(schema_name)
        assert schema_exists(schema_name)  # the clone really happened
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.template_schema, "clone_template_into", clone_then_crash)
    public_api.raise_request_exception = False
    # when a visitor signs up
    response = public_api.post("/api/v1/signup", VALID, format="json")
    # then the request fails and no schema, tenant row, domain or user remains
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    connection.set_schema_to_public()
    assert not schema_exists("ws_hangzhou_demo")
    assert not Tenant.objects.filter(slug="hangzhou-demo").exists()
    assert not Domain.objects.filter(domain="hangzhou-demo.localhost").exists()
