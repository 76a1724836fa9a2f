"""One JSON error shape on every error path of the API (after datasette's pinned error test)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, WORKSPACES, make_user

SHAPE_KEYS = {"status", "code", "message", "fields", "request_id"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == SHAPE_KEYS
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert error["request_id"] == response["X-Request-ID"]
    for field in error["fields"]:
        assert set(field) == {"path", "code", "message"}
    return error


@pytest.fixture
def owner_api(api_alpha):
    token = api_alpha.post("/api/v1/auth/token", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD},
                           format="json").json()["token"]
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_alpha


def test_400_lists_each_failing_field_with_path(owner_api):
    error = assert_error(owner_api.post("/api/v1/users", {"email": "x", "name": "", "password": "1"}, format="json"),
                         400, "validation_error")
    assert [f["path"] for f in error["fields"]] == ["email"]


def test_400_nested_serializer_errors_have_paths(owner_api):
    error = assert_error(owner_api.post("/api/v1/users", {}, format="json"), 400, "validation_error")
    assert {f["path"] for f in error["fields"]} == {"email", "name", "password"}
    assert {f["code"] for f in error["fields"]} == {"required"}


def test_401_without_credentials_and_with_a_bad_token(api_alpha):
    assert_error(api_alpha.get("/api/v1/me"), 401, "not_authenticated")
    api_alpha.credentials(HTTP_AUTHORIZATION="Bearer gx_not-a-real-token")
    assert_error(api_alpha.get("/api/v1/me"), 401, "not_authenticated")


def test_403_for_a_role_without_permission(api_alpha, alpha):
    make_user(alpha, role="viewer", email="viewer@alpha.test")
    token = api_alpha.post("/api/v1/auth/token", {"email": "viewer@alpha.test", "password": PASSWORD},
                           format="json").json()["token"]
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(api_alpha.get("/api/v1/invitations"), 403, "permission_denied")


def test_404_for_unknown_path_and_for_an_object_outside_scope(owner_api):
    assert_error(owner_api.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(owner_api.get("/api/v1/users/987654"), 404, "not_found")


def test_405_for_a_wrong_method(owner_api):
    assert_error(owner_api.delete("/api/v1/me"), 405, "method_not_allowed")


def test_409_for_a_conflict(owner_api):
    error = assert_error(owner_api.post("/api/v1/users", {"email": WORKSPACES["alpha"].owner_email, "name": "D",
                                                          "password": "Another-pass-2026"}, format="json"),
                         409, "email_taken")
    assert [f["path"] for f in error["fields"]] == ["email"]


def test_429_when_throttled_with_retry_after(api_alpha):
    for _ in range(20):
        api_alpha.post("/api/v1/auth/token", {"email": "a@b.test", "password": "x"}, format="json")
    response = api_alpha.post("/api/v1/auth/token", {"email": "a@b.test", "password": "x"}, format="json")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_500_is_in_the_same_shape_and_reveals_nothing(owner_api, monkeypatch):
    from core.users import services

    def explode(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "user_update_profile", explode)
    owner_api.raise_request_exception = False
    error = assert_error(owner_api.patch("/api/v1/me", {"name": "X"}, format="json"), 500, "server_error")
    assert "secret" not in error["message"]


def test_423_for_a_suspended_workspace_is_in_the_same_shape(owner_api, alpha):
    from tenants.lifecycle import tenant_transition

    tenant_transition(tenant=alpha, to="suspended", actor="test")
    assert_error(owner_api.patch("/api/v1/me", {"name": "X"}, format="json"), 423, "workspace_read_only")


def test_error_message_is_in_the_users_language(api_beta, beta):
    make_user(beta, role="member", email="zh@beta.test", language="zh-hans")
    token = api_beta.post("/api/v1/auth/token", {"email": "zh@beta.test", "password": PASSWORD},
                          format="json").json()["token"]
    api_beta.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    error = assert_error(api_beta.get("/api/v1/invitations"), 403, "permission_denied")
    assert error["message"] == "您没有执行此操作的权限。"


def test_public_signup_errors_share_the_shape(public_api):
    assert_error(public_api.post("/api/v1/signup", {}, format="json"), 400, "validation_error")
    assert_error(APIClient(HTTP_HOST="localhost").get("/api/v1/nothing"), 404, "not_found")


def test_throttle_cannot_be_dodged_with_a_forged_forwarded_for_header(api_alpha):
    for n in range(20):
        api_alpha.post("/api/v1/auth/token", {"email": "a@b.test", "password": "x"}, format="json",
                       HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = api_alpha.post("/api/v1/auth/token", {"email": "a@b.test", "password": "x"}, format="json",
                              HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert_error(response, 429, "throttled")
