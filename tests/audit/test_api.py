"""GET /api/v1/audit-log: admins and owners read and filter; nobody writes; workspaces never mix."""

import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.models import AuditEntry
from core.auditlog.selectors import audit_entries
from tests.api.test_error_shape import assert_error
from tests.factories import make_user, owner_of

from .conftest import api_as, entries, record

URL = "/api/v1/audit-log"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def scene(alpha, owner_api_alpha):
    """Three entries of two people at known times, after the owner's token and the member's creation."""
    owner = owner_of(alpha)
    member = make_user(alpha, role="member", email="auditee@alpha.test")
    t0 = timezone.now()
    viewed = record(alpha, actor=member, action="view", entity="account", record_id=10, record_label="Acme Ltd")
    exported = record(alpha, actor=owner, action="export", entity="account", record_label="All accounts")
    t1 = timezone.now()
    updated = record(alpha, actor=member, action="update", entity="deal", record_id=10,
                     record_label="Acme renewal", changes={"amount": ("100.00", "250.00")})
    [created] = entries(alpha, action="user_created", record_id=member.pk)
    return {"api": owner_api_alpha, "owner": owner, "member": member, "t0": t0, "t1": t1, "viewed": viewed.pk,
            "exported": exported.pk, "updated": updated.pk, "member_created": created.pk}


def test_admin_lists_every_entry_newest_first_with_all_columns(scene, alpha):
    response = scene["api"].get(URL)
    assert _ids(response) == {e.pk for e in entries(alpha)}
    results = response.json()["results"]
    assert [item["id"] for item in results][:3] == [scene["updated"], scene["exported"], scene["viewed"]]
    assert results[0] == {
        "id": scene["updated"], "created_at": results[0]["created_at"], "actor": scene["member"].pk,
        "actor_label": "auditee@alpha.test", "action": "update", "action_label": "已更新", "entity": "deal",
        "record_id": 10, "record_label": "Acme renewal", "fields": ["amount"],
        "changes": {"amount": ["100.00", "250.00"]}, "ip": None, "user_agent": "", "request_id": "",
    }


@pytest.mark.parametrize(("params", "expected"), [
    (lambda s: {"actor": s["member"].pk}, ["viewed", "updated"]),
    (lambda s: {"action": "export"}, ["exported"]),
    (lambda s: {"entity": "deal"}, ["updated"]),
    (lambda s: {"record_id": 10}, ["viewed", "updated"]),
    (lambda s: {"entity": "account", "record_id": 10}, ["viewed"]),
    (lambda s: {"since": s["t0"].isoformat()}, ["viewed", "exported", "updated"]),
    (lambda s: {"since": s["t1"].isoformat()}, ["updated"]),
    (lambda s: {"since": s["t0"].isoformat(), "until": s["t1"].isoformat()}, ["viewed", "exported"]),
    (lambda s: {"q": "ACME"}, ["viewed", "updated"]),
    (lambda s: {"q": "auditee@"}, ["viewed", "updated", "member_created"]),
    (lambda s: {"q": "renewal", "actor": s["member"].pk, "action": "update"}, ["updated"]),
    (lambda s: {"action": "delete"}, []),
])
def test_each_filter_gives_exactly_its_entries(scene, params, expected):
    response = scene["api"].get(URL, params(scene))
    assert _ids(response) == {scene[name] for name in expected}


def test_a_date_until_includes_that_whole_day(scene, alpha):
    # dates are days of the user's time zone (here the workspace's, Asia/Shanghai)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(alpha.time_zone))
    assert {scene["viewed"], scene["exported"], scene["updated"]} <= _ids(
        scene["api"].get(URL, {"since": today.isoformat(), "until": today.isoformat()}))
    assert _ids(scene["api"].get(URL, {"until": (today - timezone.timedelta(days=1)).isoformat()})) == set()


@pytest.mark.parametrize(("params", "path"), [({"since": "yesterday"}, "since"), ({"action": "tamper"}, "action"),
                                              ({"actor": "me"}, "actor")])
def test_a_bad_filter_is_a_400_naming_it(scene, params, path):
    error = assert_error(scene["api"].get(URL, params), 400, "validation_error")
    assert [f["path"] for f in error["fields"]] == [path]


def test_cursor_pages_walk_the_whole_log_once(scene, alpha):
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = scene["api"].get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert seen == [e.pk for e in sorted(entries(alpha), key=lambda e: (e.created_at, e.pk), reverse=True)]


@pytest.mark.parametrize("role", ["manager", "member", "support", "finance", "viewer"])
def test_other_roles_get_403_and_see_nothing(alpha, role):
    record(alpha, action="export", entity="account", record_label="Secret export")
    user = make_user(alpha, role=role, email=f"{role}@alpha.test")
    response = api_as(alpha, user.email).get(URL)
    assert_error(response, 403, "permission_denied")
    assert b"Secret export" not in response.content
    with schema_context(alpha.schema_name):
        assert list(audit_entries(actor=user, filters={})) == []


def test_anonymous_gets_401(api_alpha):
    assert_error(api_alpha.get(URL), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_method_can_write_the_log(scene, alpha, method):
    before = [(e.pk, e.action, e.record_label) for e in entries(alpha)]
    response = getattr(scene["api"], method)(URL, {"id": scene["viewed"], "action": "delete"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    assert [(e.pk, e.action, e.record_label) for e in entries(alpha)] == before


def test_beta_never_sees_alphas_entries(alpha, beta, owner_api_beta):
    record(alpha, action="export", entity="account", record_label="Alpha secret export")
    own = record(beta, action="view", entity="account", record_label="Beta account")
    response = owner_api_beta.get(URL)
    assert _ids(response) == {e.pk for e in entries(beta)}
    assert own.pk in _ids(response)
    assert b"Alpha secret" not in response.content
    assert _ids(owner_api_beta.get(URL, {"q": "Alpha secret"})) == set()


def test_list_costs_the_same_queries_for_1_and_50_entries(alpha, owner_api_alpha):
    owner = owner_of(alpha)
    owner_api_alpha.get(URL)  # warm up: token "last used" and workspace activity writes happen once

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = owner_api_alpha.get(URL)
        return len(queries), len(response.json()["results"])

    record(alpha, actor=owner, action="view", entity="account", record_id=1, record_label="One")
    few_queries, few = measure()
    for n in range(49):
        record(alpha, actor=owner, action="update", entity="deal", record_id=n, record_label=f"Deal {n}",
               changes={"stage": ("new", "won")})
    many_queries, many = measure()
    assert (few, many) == (len(entries(alpha)) - 49, 50)
    assert many_queries == few_queries


def test_entries_outlive_deletion_of_their_actor_in_the_api(alpha, owner_api_alpha):
    leaver = make_user(alpha, role="member", email="gone@alpha.test")
    entry = record(alpha, actor=leaver, action="export", entity="account")
    with schema_context(alpha.schema_name):
        type(leaver).objects.get(pk=leaver.pk).delete()
        assert AuditEntry.objects.get(pk=entry.pk).actor_id is None
    [item] = owner_api_alpha.get(URL, {"q": "gone@"}).json()["results"][:1]
    assert (item["id"], item["actor"], item["actor_label"]) == (entry.pk, None, "gone@alpha.test")
