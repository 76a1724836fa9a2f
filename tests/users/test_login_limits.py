"""Login rate limits key on the real client, per workspace, and per account.

Behind a proxy every request comes from the proxy's address; keyed on it, 21 wrong passwords a minute
from anyone would lock every workspace's login. With GUANXI_NUM_PROXIES trusted proxies the client is
the X-Forwarded-For entry they wrote (the same address the audit log records); without, the header is
ignored. The per-account limit stops one account being guessed from many addresses.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.users.login_limits import ACCOUNT_FAILURES
from core.users.models import ApiToken
from tests.audit.conftest import entries
from tests.factories import PASSWORD, WORKSPACES, make_user

OWNER = WORKSPACES["alpha"].owner_email
PROXY = "10.0.0.1"


@pytest.fixture
def one_proxy(settings):
    settings.GUANXI_NUM_PROXIES = 1


def browser(slug: str = "alpha", *, via: str | None = None) -> Client:
    """A browser whose requests reach us through the proxy, which appended the client's address `via`."""
    extra = {"HTTP_X_FORWARDED_FOR": via} if via else {}
    return Client(HTTP_HOST=f"{slug}.localhost", REMOTE_ADDR=PROXY, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_many_clients_behind_one_proxy_do_not_lock_out_another(alpha, one_proxy):
    for n in range(25):
        response = browser(via=f"198.51.100.{n}").post("/login/", {"email": f"guess{n}@alpha.test", "password": "x"})
        assert response.status_code == 400, n
    someone_else = browser(via="203.0.113.9")
    assert someone_else.post("/login/", {"email": OWNER, "password": PASSWORD}).status_code == 302
    assert logged_in(someone_else)


def test_the_limit_still_counts_each_client_behind_the_proxy(alpha, one_proxy):
    # the client may send its own X-Forwarded-For; the proxy appends the real address at the right
    for n in range(20):
        assert browser(via=f"6.6.6.{n}, 198.51.100.7").post(
            "/login/", {"email": f"guess{n}@alpha.test", "password": "x"}).status_code == 400
    blocked = browser(via="1.2.3.4, 198.51.100.7")
    assert blocked.post("/login/", {"email": OWNER, "password": PASSWORD}).status_code == 429
    assert not logged_in(blocked)
    other = browser(via="198.51.100.8")
    assert other.post("/login/", {"email": OWNER, "password": PASSWORD}).status_code == 302


def test_one_workspaces_limit_does_not_reach_another(alpha, beta):
    for n in range(20):
        Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="198.51.100.7").post(
            "/login/", {"email": f"guess{n}@alpha.test", "password": "x"})
    assert Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="198.51.100.7").post(
        "/login/", {"email": OWNER, "password": PASSWORD}).status_code == 429
    in_beta = Client(HTTP_HOST="beta.localhost", REMOTE_ADDR="198.51.100.7")
    assert in_beta.post("/login/", {"email": WORKSPACES["beta"].owner_email, "password": PASSWORD}).status_code == 302
    assert logged_in(in_beta)


def test_an_attack_on_one_account_from_many_addresses_is_still_limited(alpha, beta, one_proxy):
    member = make_user(alpha, email="member@alpha.test")
    for n in range(ACCOUNT_FAILURES):
        assert browser(via=f"198.51.100.{n}").post("/login/", {"email": OWNER, "password": "x"}).status_code == 400
    locked = browser(via="203.0.113.50")
    response = locked.post("/login/", {"email": OWNER.upper(), "password": PASSWORD})  # even the right one
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "此邮箱登录失败次数过多。请等待 15 分钟后再试，或重置密码。"]
    assert not logged_in(locked)
    # the API refuses the same account the same way, and makes no token
    api = APIClient(HTTP_HOST="alpha.localhost", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.51")
    refused = api.post("/api/v1/auth/token", {"email": OWNER, "password": PASSWORD}, format="json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    with schema_context(alpha.schema_name):
        assert not ApiToken.objects.filter(user__email=OWNER).exists()
    # other accounts, and the same email in another workspace, are not affected
    assert browser(via="203.0.113.52").post("/login/", {"email": member.email, "password": PASSWORD}).status_code == 302
    assert browser("beta", via="203.0.113.53").post(
        "/login/", {"email": WORKSPACES["beta"].owner_email, "password": PASSWORD}).status_code == 302


def test_api_token_exchange_behind_one_proxy_keys_on_the_client(alpha, one_proxy):
    def api(via: str) -> APIClient:
        return APIClient(HTTP_HOST="alpha.localhost", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=via)

    for n in range(25):
        response = api(f"198.51.100.{n}").post("/api/v1/auth/token", {"email": f"g{n}@alpha.test", "password": "x"},
                                               format="json")
        assert response.status_code == 400, n
    assert api("203.0.113.9").post("/api/v1/auth/token", {"email": OWNER, "password": PASSWORD},
                                   format="json").status_code == 201
    for n in range(20):
        api("198.51.100.200").post("/api/v1/auth/token", {"email": f"h{n}@alpha.test", "password": "x"}, format="json")
    throttled = api("198.51.100.200").post("/api/v1/auth/token", {"email": OWNER, "password": PASSWORD}, format="json")
    assert throttled.status_code == 429


def test_the_audit_log_records_the_client_the_proxy_saw(alpha, one_proxy):
    browser(via="6.6.6.6, 198.51.100.23").post("/login/", {"email": OWNER, "password": PASSWORD})
    [entry] = entries(alpha, action="login_succeeded")
    assert entry.ip == "198.51.100.23"


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(alpha, settings):
    settings.GUANXI_NUM_PROXIES = 0
    for n in range(20):
        Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post(
            "/login/", {"email": f"guess{n}@alpha.test", "password": "x"})
    spoofing = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert spoofing.post("/login/", {"email": OWNER, "password": PASSWORD}).status_code == 429
    assert not logged_in(spoofing)
    assert {entry.ip for entry in entries(alpha, action="login_failed")} == {"10.0.0.5"}
