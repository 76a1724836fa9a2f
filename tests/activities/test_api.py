"""The activities and tasks API end to end: create, validate, filter, complete, query counts, isolation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.activities import services
from core.activities.models import Activity, Task
from core.audit.models import AuditEntry
from core.records import services as record_services
from tests.factories import PASSWORD, WORKSPACES
from tests.records.conftest import api_for


@pytest.fixture
def member_api(team):
    return api_for(team.member)


@pytest.fixture
def account(team, alpha):
    with schema_context(alpha.schema_name):
        return record_services.account_create(actor=team.member, data={"name": "API Co"})


def test_create_activity_returns_iso_times_and_links(member_api, account, team):
    # when a call is logged with a time in Shanghai on the member's account
    response = member_api.post("/api/v1/activities", {
        "kind": "call", "subject": "Intro call", "occurred_at": "2026-03-01T09:30:00+08:00",
        "duration_minutes": 20, "outcome": "Interested", "account": account.pk}, format="json")
    # then it comes back in UTC ISO 8601, authored by the caller
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("kind", "subject", "occurred_at", "duration_minutes", "outcome", "author",
                                       "account", "contact", "deal", "lead", "ticket")} == {
        "kind": "call", "subject": "Intro call", "occurred_at": "2026-03-01T01:30:00Z", "duration_minutes": 20,
        "outcome": "Interested", "author": team.member.pk, "account": account.pk, "contact": None, "deal": None,
        "lead": None, "ticket": None}
    assert set(body) == {"id", "version", "kind", "subject", "body", "occurred_at", "duration_minutes", "outcome", "author",
                         "account", "contact", "deal", "lead", "ticket", "custom", "created_at", "updated_at"}
    assert body["created_at"].endswith("Z")


def test_validation_errors_name_every_field(member_api, alpha):
    # given the activity count
    with schema_context(alpha.schema_name):
        before = Activity.objects.count()
    # when a payload wrong in six ways is posted
    response = member_api.post("/api/v1/activities", {
        "kind": "fax", "subject": "", "occurred_at": "tomorrow-ish", "duration_minutes": "long",
        "account": 99999999, "mood": "happy"}, format="json")
    # then 400 names each field with its code, and nothing was written
    assert response.status_code == 400
    fields = {(f["path"], f["code"]) for f in response.json()["error"]["fields"]}
    assert fields == {("kind", "invalid_choice"), ("subject", "required"), ("occurred_at", "invalid"),
                      ("duration_minutes", "invalid"), ("mood", "unknown_field")}
    # (the account is checked only once the fields are valid, like the records' links)
    linked = member_api.post("/api/v1/activities", {"kind": "call", "subject": "x", "account": 99999999},
                             format="json")
    assert {(f["path"], f["code"]) for f in linked.json()["error"]["fields"]} == {("account", "does_not_exist")}
    with schema_context(alpha.schema_name):
        assert Activity.objects.count() == before


def test_activity_filters(member_api, account, team, alpha):
    # given a call and a note on the account, and a visit without one
    with schema_context(alpha.schema_name):
        for kind, subject, linked, when in [("call", "Call", True, "2026-01-10T08:00Z"),
                                            ("note", "Note", True, "2026-02-10T08:00Z"),
                                            ("visit", "Visit", False, "2026-03-10T08:00Z")]:
            services.activity_create(actor=team.member, data={
                "kind": kind, "subject": subject, "occurred_at": when, **({"account": account.pk} if linked else {})})

    def subjects(**params):
        return [a["subject"] for a in member_api.get("/api/v1/activities", params).json()["results"]]

    # then the list is newest first, and each filter narrows it
    assert subjects() == ["Visit", "Note", "Call"]
    assert subjects(kind="note") == ["Note"]
    assert subjects(account=account.pk) == ["Note", "Call"]
    assert subjects(author=team.member.pk, occurred_after="2026-02-01T00:00Z") == ["Visit", "Note"]
    assert subjects(occurred_before="2026-02-01T00:00Z") == ["Call"]
    assert subjects(author=team.member2.pk) == []


def test_task_filters_mine_overdue_done_and_due_range(team, alpha, account):
    # given member's tasks: overdue, due next week, done; and one member gave to member2
    now = timezone.now()
    with schema_context(alpha.schema_name):
        def task(title, **data):
            return services.task_create(actor=team.member, data={"title": title, **data})

        task("Overdue", due_at=now - dt.timedelta(days=1), account=account.pk)
        task("Next week", due_at=now + dt.timedelta(days=7))
        services.task_complete(actor=team.member, task=task("Done", due_at=now - dt.timedelta(days=2)))
        task("For member2", assignee=team.member2.pk, due_at=now - dt.timedelta(days=3))
    member_api = api_for(team.member)

    def titles(**params):
        return sorted(t["title"] for t in member_api.get("/api/v1/tasks", params).json()["results"])

    # then each filter narrows what member sees
    assert titles() == ["Done", "For member2", "Next week", "Overdue"]
    assert titles(mine="true") == ["Done", "Next week", "Overdue"]
    assert titles(mine="true", overdue="true") == ["Overdue"]
    assert titles(overdue="true") == ["For member2", "Overdue"]
    assert titles(overdue="false") == ["Done", "Next week"]
    assert titles(done="true") == ["Done"]
    assert titles(assignee=team.member2.pk) == ["For member2"]
    assert titles(account=account.pk) == ["Overdue"]
    assert titles(due_before=now.isoformat(), done="false") == ["For member2", "Overdue"]
    assert titles(due_after=now.isoformat()) == ["Next week"]


def test_complete_endpoint_and_viewer_cannot(team, alpha, account):
    # given the member's task on their account, shared read-only with the viewer
    with schema_context(alpha.schema_name):
        record_services.account_share(actor=team.owner, account=account, user=team.viewer, access="read")
        task = services.task_create(actor=team.member, data={"title": "Quote", "account": account.pk})
    # when the viewer completes it, then 403 and it stays open
    assert api_for(team.viewer).post(f"/api/v1/tasks/{task.pk}/complete").status_code == 403
    with schema_context(alpha.schema_name):
        assert Task.objects.get(pk=task.pk).done is False
    # when the member completes it, then it is done with a time
    response = api_for(team.member).post(f"/api/v1/tasks/{task.pk}/complete")
    assert response.status_code == 200, response.content
    assert (response.json()["done"], response.json()["done_at"].endswith("Z")) == (True, True)


def test_detail_read_is_audited_update_and_delete(member_api, team, alpha):
    created = member_api.post("/api/v1/tasks", {"title": "Prepare demo", "due_at": "2030-05-01T10:00+08:00"},
                              format="json").json()
    assert (created["assignee"], created["created_by"], created["due_at"]) == (
        team.member.pk, team.member.pk, "2030-05-01T02:00:00Z")
    assert member_api.get(f"/api/v1/tasks/{created['id']}").status_code == 200
    patched = member_api.patch(f"/api/v1/tasks/{created['id']}", {"title": "Prepare the demo"}, format="json")
    assert patched.json()["title"] == "Prepare the demo"
    assert member_api.delete(f"/api/v1/tasks/{created['id']}").status_code == 204
    with schema_context(alpha.schema_name):
        actions = list(AuditEntry.objects.filter(entity="task", record_id=created["id"]).order_by("id")
                       .values_list("action", flat=True))
        assert actions == ["create", "view", "update", "delete"]
        assert not Task.objects.filter(pk=created["id"]).exists()


def _make(actor, account, n):
    for i in range(n):
        services.activity_create(actor=actor, data={"kind": "call", "subject": f"Call {i}", "account": account.pk})
        services.task_create(actor=actor, data={"title": f"Task {i}", "account": account.pk})


@pytest.mark.parametrize("path", ["/api/v1/activities", "/api/v1/tasks"])
def test_list_endpoints_cost_the_same_queries_for_1_and_50_rows(team, alpha, account, path):
    member_api = api_for(team.member)
    with schema_context(alpha.schema_name):
        _make(team.member, account, 1)
    member_api.get(path)  # warm-up: token last-use and workspace activity writes happen once a minute
    with CaptureQueriesContext(connection) as one:
        assert len(member_api.get(path).json()["results"]) == 1
    with schema_context(alpha.schema_name):
        _make(team.member, account, 49)
    member_api.get(path)
    with CaptureQueriesContext(connection) as fifty:
        assert len(member_api.get(path).json()["results"]) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


def _beta_owner_api() -> APIClient:
    client = APIClient(HTTP_HOST="beta.localhost")
    token = client.post("/api/v1/auth/token", {"email": WORKSPACES["beta"].owner_email, "password": PASSWORD},
                        format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_another_workspaces_ids_answer_like_absent(team, alpha, beta):
    # given an activity and a task in alpha
    with schema_context(alpha.schema_name):
        call = services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Alpha only"})
        task = services.task_create(actor=team.owner, data={"title": "Alpha task"})
    beta_api = _beta_owner_api()
    # when beta's owner asks for them by id, then the same 404 as for ids that exist nowhere
    hidden = beta_api.get(f"/api/v1/activities/{call.pk}")
    absent = beta_api.get("/api/v1/activities/99999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    assert beta_api.get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert beta_api.patch(f"/api/v1/activities/{call.pk}", {"subject": "x"}, format="json").status_code == 404
    assert beta_api.post(f"/api/v1/tasks/{task.pk}/complete").status_code == 404
    assert beta_api.delete(f"/api/v1/tasks/{task.pk}").status_code == 404
    # and nothing changed in alpha
    with schema_context(alpha.schema_name):
        assert Activity.objects.get(pk=call.pk).subject == "Alpha only"
        assert Task.objects.filter(pk=task.pk, done=False).exists()


def test_invisible_activity_answers_404_like_absent(team, alpha):
    # given member2's call, which member cannot see
    with schema_context(alpha.schema_name):
        call = services.activity_create(actor=team.member2, data={"kind": "call", "subject": "Private"})
    member_api = api_for(team.member)
    hidden = member_api.get(f"/api/v1/activities/{call.pk}")
    absent = member_api.get("/api/v1/activities/99999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() | {"error": {**hidden.json()["error"], "request_id": ""}} == \
        absent.json() | {"error": {**absent.json()["error"], "request_id": ""}}
    assert member_api.delete(f"/api/v1/activities/{call.pk}").status_code == 404
    with schema_context(alpha.schema_name):
        assert Activity.objects.filter(pk=call.pk).exists()
