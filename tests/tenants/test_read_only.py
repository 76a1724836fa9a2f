"""A suspended workspace is readable but rejects every write, with a banner and 423 on the API."""

import pytest

from core.users.models import User
from tenants.lifecycle import tenant_transition
from tests.factories import PASSWORD, WORKSPACES


@pytest.fixture
def suspended_alpha(alpha):
    tenant_transition(tenant=alpha, to="suspended", actor="ops@provider.test", reason="test")
    return alpha


def test_api_reads_work_and_writes_answer_423(suspended_alpha, api_alpha):
    token = api_alpha.post("/api/v1/auth/token", {"email": WORKSPACES["alpha"].owner_email,
                                                  "password": PASSWORD}, format="json")
    assert token.status_code == 201  # logging in (getting a token) still works
    api_alpha.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert api_alpha.get("/api/v1/me").status_code == 200
    response = api_alpha.post("/api/v1/users", {"email": "new@alpha.test", "name": "New", "role": "member",
                                                "password": "Fresh-start-2026"}, format="json")
    assert response.status_code == 423
    assert response.json()["error"]["code"] == "workspace_read_only"
    assert not User.objects.filter(email="new@alpha.test").exists()


def test_web_shows_banner_and_refuses_form_posts(suspended_alpha, client_alpha):
    client_alpha.post("/login/", {"email": WORKSPACES["alpha"].owner_email, "password": PASSWORD})
    home = client_alpha.get("/home/")
    assert home.status_code == 200
    assert 'data-testid="read-only-banner"' in home.content.decode()
    response = client_alpha.post("/settings/", {"form": "profile", "name": "Changed", "language": "", "time_zone": ""})
    assert response.status_code == 423
    from django_tenants.utils import schema_context

    with schema_context(suspended_alpha.schema_name):
        assert User.objects.get(email=WORKSPACES["alpha"].owner_email).name == "Alpha Owner"
