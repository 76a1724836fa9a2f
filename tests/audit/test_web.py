"""The admin page /settings/audit/: filters and a table for admins; 403 for everyone else."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, WORKSPACES, make_user, owner_of

from .conftest import record

URL = "/settings/audit/"


def _logged_in(email: str) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_admin_page_shows_entries_filters_and_the_nav_link(alpha):
    owner = owner_of(alpha)
    record(alpha, actor=owner, action="update", entity="deal", record_id=8, record_label="Renewal 2027",
           changes={"amount": ("100.00", "250.00"), "tags": (["vip"], ["vip", "key"]), "note": (None, "x")})
    record(alpha, actor=owner, action="export", entity="account", record_label="All accounts")
    admin = make_user(alpha, role="admin", email="admin@alpha.test", language="en")
    client = _logged_in(admin.email)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="audit-filters"' in html and f'href="{URL}"' in html
    assert [(e.action, e.record_label) for e in page.context["entries"]][:4] == [
        ("login_succeeded", "Test User <admin@alpha.test>"), ("user_created", "Test User <admin@alpha.test>"),
        ("export", "All accounts"), ("update", "Renewal 2027")]
    assert "100.00 → 250.00" in html and "vip → vip, key" in html and "— → x" in html
    filtered = client.get(URL, {"entity": "deal", "q": "renewal"})
    assert [e.record_label for e in filtered.context["entries"]] == ["Renewal 2027"]
    by_action = client.get(URL, {"action": "login_succeeded", "actor": admin.pk})
    assert [(e.action, e.actor_id) for e in by_action.context["entries"]] == [("login_succeeded", admin.pk)]


def test_page_is_in_chinese_for_a_chinese_user(alpha):
    client = _logged_in(WORKSPACES["alpha"].owner_email)  # the owner's language is zh-hans
    html = client.get(URL).content.decode()
    assert "审计日志" in html


def test_invalid_date_is_shown_and_valid_filters_still_apply(alpha):
    record(alpha, action="export", entity="account", record_label="Kept")
    client = _logged_in(WORKSPACES["alpha"].owner_email)
    page = client.get(URL, {"since": "not-a-date", "action": "export"})
    assert page.status_code == 400
    assert page.context["form"].errors.keys() == {"since"}
    assert [e.record_label for e in page.context["entries"]] == ["Kept"]


def test_older_entries_link_pages_back_without_repeats(alpha):
    owner = owner_of(alpha)
    for n in range(55):
        record(alpha, actor=owner, action="view", entity="account", record_id=n, record_label=f"Account {n}")
    client = _logged_in(WORKSPACES["alpha"].owner_email)
    first = client.get(URL, {"action": "view"})
    assert len(first.context["entries"]) == 50
    second = client.get(f"{URL}?{first.context['older']}")
    labels = [e.record_label for e in first.context["entries"]] + [e.record_label for e in second.context["entries"]]
    assert labels == [f"Account {n}" for n in range(54, -1, -1)]
    assert second.context["older"] is None


@pytest.mark.parametrize("role", ["manager", "member", "viewer"])
def test_other_roles_get_403_and_no_nav_link(alpha, role):
    record(alpha, action="export", entity="account", record_label="Secret export")
    user = make_user(alpha, role=role, email=f"{role}@alpha.test")
    client = _logged_in(user.email)
    response = client.get(URL)
    assert response.status_code == 403
    assert b"Secret export" not in response.content
    assert f'href="{URL}"'.encode() not in client.get("/home/").content


def test_anonymous_is_sent_to_login(client_alpha):
    response = client_alpha.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_cannot_be_posted_to(alpha):
    client = _logged_in(WORKSPACES["alpha"].owner_email)
    assert client.post(URL, {"action": "delete"}).status_code == 405
