"""Personal API tokens (shown once, stored hashed, last use, revocable) and one's own settings."""

from django.utils import translation
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.users.models import ApiToken, User
from tests.factories import PASSWORD, WORKSPACES, make_user

OWNER = WORKSPACES["alpha"].owner_email


def _login_api(email=OWNER) -> APIClient:
    api = APIClient(HTTP_HOST="alpha.localhost")
    token = api.post("/api/v1/auth/token", {"email": email, "password": PASSWORD, "name": "ci"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return api


def test_token_is_shown_once_stored_hashed_listed_with_last_use_and_revocable(alpha):
    api = _login_api()
    created = api.post("/api/v1/tokens", {"name": "nightly export"}, format="json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("gx_") and len(raw) > 40
    with schema_context(alpha.schema_name):
        stored = ApiToken.objects.get(pk=created.json()["id"])
        assert stored.digest == ApiToken.digest_of(raw) and raw not in (stored.digest, stored.hint)
    script = APIClient(HTTP_HOST="alpha.localhost")
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert script.get("/api/v1/me").json()["email"] == OWNER
    listed = {t["name"]: t for t in api.get("/api/v1/tokens").json()["results"]}
    assert "token" not in listed["nightly export"]
    assert listed["nightly export"]["last_used_at"] is not None
    assert api.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert script.get("/api/v1/me").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(alpha):
    make_user(alpha, role="admin", email="admin@alpha.test")
    owner_api = _login_api()
    owner_token_id = owner_api.get("/api/v1/tokens").json()["results"][0]["id"]
    admin_api = _login_api("admin@alpha.test")
    assert admin_api.delete(f"/api/v1/tokens/{owner_token_id}").status_code == 404
    with schema_context(alpha.schema_name):
        assert ApiToken.objects.get(pk=owner_token_id).revoked_at is None


def test_tokens_page_shows_the_new_token_once(client_alpha):
    client_alpha.post("/login/", {"email": OWNER, "password": PASSWORD})
    created = client_alpha.post("/settings/tokens/", {"name": "from the UI"})
    raw = created.context["created"].raw
    assert raw in created.content.decode()
    assert raw not in client_alpha.get("/settings/tokens/").content.decode()


def test_me_changes_name_language_time_zone_and_password(alpha):
    api = _login_api()
    response = api.patch("/api/v1/me", {"name": "新名字", "language": "en", "time_zone": "Europe/Berlin"}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["language"], response.json()["time_zone"]) == (
        "新名字", "en", "Europe/Berlin")
    bad = api.patch("/api/v1/me", {"time_zone": "Mars/Olympus"}, format="json")
    assert [f["path"] for f in bad.json()["error"]["fields"]] == ["time_zone"]
    wrong = api.post("/api/v1/me/password", {"current_password": "nope", "new_password": "Whatever-2026"},
                     format="json")
    assert wrong.status_code == 400
    assert api.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": "Changed-pass-2026"},
                    format="json").status_code == 204
    with schema_context(alpha.schema_name):
        assert User.objects.get(email=OWNER).check_password("Changed-pass-2026")


def test_language_comes_from_user_then_workspace_then_browser(client_alpha, client_beta, alpha):
    # alpha's default is Chinese: an anonymous visitor with an English browser gets Chinese
    assert client_alpha.get("/login/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"
    # beta's default is English
    assert client_beta.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")["Content-Language"] == "en"
    # a user's own setting wins over the workspace default
    make_user(alpha, role="member", email="en@alpha.test", language="en")
    client_alpha.post("/login/", {"email": "en@alpha.test", "password": PASSWORD})
    assert client_alpha.get("/home/", HTTP_ACCEPT_LANGUAGE="zh-hans")["Content-Language"] == "en"
    assert translation.get_language() is not None


def test_public_site_follows_the_browser(public_client):
    assert public_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Content-Language"] == "zh-hans"
    assert public_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")["Content-Language"] == "en"


def test_footer_language_switch_beats_workspace_default_and_is_saved_for_users(client_alpha, alpha):
    client_alpha.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert client_alpha.get("/login/")["Content-Language"] == "en"
    make_user(alpha, role="member", email="switcher@alpha.test")
    client_alpha.post("/login/", {"email": "switcher@alpha.test", "password": PASSWORD})
    client_alpha.post("/i18n/setlang/", {"language": "zh-hans", "next": "/home/"})
    with schema_context(alpha.schema_name):
        assert User.objects.get(email="switcher@alpha.test").language == "zh-hans"
