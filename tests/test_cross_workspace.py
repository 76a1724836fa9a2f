"""Credentials and ids of one workspace are worthless on another workspace's host."""

from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.users.models import ApiToken, User
from tests.factories import PASSWORD, WORKSPACES, make_user


def _token(host: str, email: str) -> str:
    response = APIClient(HTTP_HOST=host).post("/api/v1/auth/token", {"email": email, "password": PASSWORD},
                                              format="json")
    assert response.status_code == 201
    return response.json()["token"]


def _beta_state(beta) -> list[tuple]:
    with schema_context(beta.schema_name):
        return list(User.objects.order_by("id").values_list("id", "email", "role", "is_active", "name"))


def test_alpha_token_gets_nothing_on_beta_and_changes_nothing(alpha, beta):
    token = _token("alpha.localhost", WORKSPACES["alpha"].owner_email)
    before = _beta_state(beta)
    api = APIClient(HTTP_HOST="beta.localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/users").status_code == 401
    assert api.post("/api/v1/users", {"email": "intruder@beta.test", "name": "I", "role": "owner",
                                      "password": "Intruder-pass-2026"}, format="json").status_code == 401
    assert api.patch("/api/v1/me", {"name": "Hacked"}, format="json").status_code == 401
    assert _beta_state(beta) == before
    with schema_context(beta.schema_name):
        assert ApiToken.objects.filter(digest=ApiToken.digest_of(token)).count() == 0


def test_alpha_session_cookie_is_anonymous_on_beta(alpha, beta):
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD}).status_code == 302
    assert client.get("/home/").status_code == 200
    # the test client sends the same cookie to any host, like a stolen cookie would
    before = _beta_state(beta)
    on_beta = client.get("/home/", HTTP_HOST="beta.localhost")
    assert on_beta.status_code == 302 and on_beta["Location"].startswith("/login/")
    api = client.get("/api/v1/me", HTTP_HOST="beta.localhost")
    assert api.status_code == 401
    response = client.post("/settings/", {"form": "profile", "name": "Hacked", "language": "", "time_zone": ""},
                           HTTP_HOST="beta.localhost")
    assert response.status_code in (302, 403)
    assert _beta_state(beta) == before


def test_ids_of_another_workspace_answer_like_absent_ones(alpha, beta):
    alpha_user = make_user(alpha, role="member", email="only-in-alpha@alpha.test")
    token = _token("beta.localhost", WORKSPACES["beta"].owner_email)
    api = APIClient(HTTP_HOST="beta.localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with schema_context(beta.schema_name):
        absent_id = User.objects.order_by("-id").first().id + 1000
    probe = api.get(f"/api/v1/users/{alpha_user.id + 500}")
    absent = api.get(f"/api/v1/users/{absent_id}")
    assert probe.status_code == absent.status_code == 404
    assert probe.json()["error"]["message"] == absent.json()["error"]["message"]
    # and the user list of beta never contains alpha's people
    emails = [u["email"] for u in api.get("/api/v1/users").json()["results"]]
    assert "only-in-alpha@alpha.test" not in emails
    assert WORKSPACES["alpha"].owner_email not in emails
