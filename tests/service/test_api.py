"""The tickets API end to end: shape, validation, filters, ordering, actions, query counts, isolation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.audit.models import AuditEntry
from core.records import services as records
from core.service import services
from core.service.models import Ticket
from tests.factories import PASSWORD, WORKSPACES
from tests.service.conftest import api_for, hours

TICKET_KEYS = {
    "id", "version", "account", "contact", "subject", "description", "category", "channel", "priority", "status", "assignee",
    "owner", "resolution", "satisfaction", "satisfaction_comment", "custom", "created_at", "updated_at",
    "first_response_due_at", "resolution_due_at", "first_responded_at", "resolved_at", "closed_at",
    "follow_up_due_at", "rated_at", "response_breached", "resolution_breached", "minutes_to_response_due",
}


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


@pytest.fixture
def account(team, alpha):
    """A customer the desk has found by name (the intake lookup), so support may file tickets on it."""
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.owner, data={"name": "客户甲", "owner": team.member.pk})
        services.intake_lookup(actor=team.support, query="客户甲")
        return account


def test_create_returns_the_ticket_with_its_sla(team, account):
    # when the desk opens an urgent ticket over the API
    response = api_for(team.support).post("/api/v1/tickets", {
        "account": account.pk, "subject": "打印机不能用", "priority": "urgent", "channel": "wechat",
        "category": "hardware"}, format="json")
    # then it is new, owned by the account's owner, due in 30 min / 4 h, with a full countdown
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == TICKET_KEYS
    assert {key: body[key] for key in ("account", "subject", "priority", "channel", "category", "status", "owner",
                                       "assignee", "response_breached", "resolution_breached",
                                       "minutes_to_response_due", "first_responded_at")} == {
        "account": account.pk, "subject": "打印机不能用", "priority": "urgent", "channel": "wechat",
        "category": "hardware", "status": "new", "owner": team.member.pk, "assignee": None,
        "response_breached": False, "resolution_breached": False, "minutes_to_response_due": 30,
        "first_responded_at": None}
    created = parse(body["created_at"])
    assert body["created_at"].endswith("Z")
    assert parse(body["first_response_due_at"]) - created == dt.timedelta(minutes=30)
    assert parse(body["resolution_due_at"]) - created == dt.timedelta(hours=4)


def test_validation_errors_name_every_field(team, account):
    response = api_for(team.support).post("/api/v1/tickets", {"subject": "", "priority": "asap",
                                                               "channel": "pigeon", "colour": "red"},
                                          format="json")
    assert response.status_code == 400
    assert {(f["path"], f["code"]) for f in response.json()["error"]["fields"]} == {
        ("account", "required"), ("subject", "required"), ("priority", "invalid_choice"),
        ("channel", "invalid_choice"), ("colour", "unknown_field")}


def _make_tickets(actor, n, *, owner):
    account = records.account_create(actor=owner, data={"name": f"Bulk {Ticket.objects.count()}"})
    records.contact_create(actor=owner, data={"name": "C", "account": account.pk})
    for i in range(n):
        services.ticket_create(actor=actor, data={"account": account.pk, "subject": f"T {i}",
                                                  "assignee": owner.pk})


@pytest.mark.parametrize("who", ["member", "manager", "support"])
def test_list_costs_the_same_queries_for_1_and_50_rows(team, alpha, who):
    user = getattr(team, who)
    api = api_for(user)
    with schema_context(alpha.schema_name):
        _make_tickets(team.member, 1, owner=team.member)
    api.get("/api/v1/tickets")  # warm-up: token last-use and workspace activity writes happen once a minute
    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/api/v1/tickets").json()["results"]) == 1
    with schema_context(alpha.schema_name):
        _make_tickets(team.member, 49, owner=team.member)
    api.get("/api/v1/tickets")
    with CaptureQueriesContext(connection) as fifty:
        assert len(api.get("/api/v1/tickets").json()["results"]) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


@pytest.fixture
def board(team, account, alpha):
    """Four tickets of one account at different SLA states, against the real clock."""
    now = timezone.now()
    with schema_context(alpha.schema_name):
        other = records.account_create(actor=team.owner, data={"name": "客户乙", "owner": team.member.pk})
        services.intake_lookup(actor=team.support, query="客户乙")
        make = services.ticket_create
        late = make(actor=team.support, data={"account": account.pk, "subject": "Late", "priority": "normal",
                                              "category": "billing", "channel": "email"}, now=now - hours(3))
        fresh = make(actor=team.support, data={"account": account.pk, "subject": "Fresh", "priority": "low",
                                               "assignee": team.member.pk}, now=now)
        urgent = make(actor=team.support, data={"account": other.pk, "subject": "Urgent", "priority": "urgent"},
                      now=now - hours(0.25))
        done = make(actor=team.support, data={"account": other.pk, "subject": "Done", "priority": "high"},
                    now=now - hours(1))
        services.ticket_resolve(actor=team.support, ticket=done, resolution="Fixed", now=now - hours(0.5))
    return {"late": late, "fresh": fresh, "urgent": urgent, "done": done}


def _subjects(api, **params):
    response = api.get("/api/v1/tickets", params)
    assert response.status_code == 200, response.content
    return [ticket["subject"] for ticket in response.json()["results"]]


def test_filters(team, account, board):
    api = api_for(team.support)
    assert _subjects(api, status="resolved") == ["Done"]
    assert _subjects(api, priority="urgent") == ["Urgent"]
    assert _subjects(api, account=account.pk) == ["Fresh", "Late"]
    assert _subjects(api, category="billing", channel="email") == ["Late"]
    assert _subjects(api, assignee=team.member.pk) == ["Fresh"]
    assert _subjects(api, breached="true") == ["Late"]
    assert _subjects(api, breached="false") == ["Done", "Urgent", "Fresh"]
    assert _subjects(api, q="Urgent") == ["Urgent"]
    assert _subjects(api_for(team.member), mine="true") == ["Fresh"]
    assert _subjects(api, mine="true") == []


def test_ordering_by_deadlines(team, board):
    api = api_for(team.support)
    # response due: Late -1 h, Urgent +15 m, Done +0 h (high, opened 1 h ago), Fresh +8 h
    assert _subjects(api, ordering="first_response_due_at") == ["Late", "Done", "Urgent", "Fresh"]
    # resolution due: Urgent +3 h 45 m, Done +7 h, Late +21 h, Fresh +72 h
    assert _subjects(api, ordering="resolution_due_at") == ["Urgent", "Done", "Late", "Fresh"]
    assert _subjects(api, ordering="-priority_rank") == ["Urgent", "Done", "Late", "Fresh"]


def test_actions_walk_a_ticket_through_its_life(team, account, alpha):
    api = api_for(team.support)
    ticket = api.post("/api/v1/tickets", {"account": account.pk, "subject": "Slow system"}, format="json").json()
    base = f"/api/v1/tickets/{ticket['id']}"
    # respond: open, first response time set, the countdown stops
    responded = api.post(f"{base}/respond").json()
    assert (responded["status"], responded["minutes_to_response_due"]) == ("open", None)
    assert responded["first_responded_at"] is not None
    # assign to the account's salesperson
    assert api.post(f"{base}/assign", {"assignee": team.member.pk}, format="json").json()["assignee"] == \
        team.member.pk
    # rating before the resolution is refused, naming the score
    early = api.post(f"{base}/rate", {"score": 5}, format="json")
    assert early.status_code == 400
    assert [(f["path"], f["code"]) for f in early.json()["error"]["fields"]] == [("score", "not_resolved")]
    # resolving without a note is refused, naming the note
    bare = api.post(f"{base}/resolve", {}, format="json")
    assert bare.status_code == 400
    assert [(f["path"], f["code"]) for f in bare.json()["error"]["fields"]] == [("resolution", "required")]
    resolved = api.post(f"{base}/resolve", {"resolution": "Cleared the cache"}, format="json").json()
    assert resolved["status"] == "resolved"
    assert parse(resolved["follow_up_due_at"]) - parse(resolved["resolved_at"]) == dt.timedelta(hours=24)
    # a score of 6 is refused; 4 is kept
    assert api.post(f"{base}/rate", {"score": 6}, format="json").json()["error"]["fields"][0]["code"] == "max_value"
    rated = api.post(f"{base}/rate", {"score": 4, "comment": "OK"}, format="json").json()
    assert (rated["satisfaction"], rated["satisfaction_comment"]) == (4, "OK")
    # close, then reopen
    assert api.post(f"{base}/close").json()["status"] == "closed"
    reopened = api.post(f"{base}/reopen").json()
    assert (reopened["status"], reopened["satisfaction"], reopened["closed_at"]) == ("open", None, None)
    # a second reopen is refused: it is not finished
    again = api.post(f"{base}/reopen")
    assert again.status_code == 400 and again.json()["error"]["fields"][0]["code"] == "invalid_transition"
    # and the whole life is on the audit log
    with schema_context(alpha.schema_name):
        actions = list(AuditEntry.objects.filter(entity="ticket", record_id=ticket["id"]).order_by("id")
                       .values_list("action", flat=True))
    assert actions == ["create", "update", "update", "update", "update", "update", "update"]


def test_patch_detail_and_delete(team, account, alpha):
    support, owner = api_for(team.support), api_for(team.owner)
    ticket = support.post("/api/v1/tickets", {"account": account.pk, "subject": "Noise"}, format="json").json()
    path = f"/api/v1/tickets/{ticket['id']}"
    patched = support.patch(path, {"priority": "high", "status": "pending"}, format="json").json()
    assert (patched["priority"], patched["status"]) == ("high", "pending")
    assert parse(patched["first_response_due_at"]) - parse(patched["created_at"]) == dt.timedelta(hours=1)
    assert support.get(path).json()["id"] == ticket["id"]
    assert support.delete(path).status_code == 403
    assert owner.delete(path).status_code == 204
    assert owner.get(path).status_code == 404
    with schema_context(alpha.schema_name):
        views = AuditEntry.objects.filter(entity="ticket", record_id=ticket["id"], action="view").count()
        assert views == 1
        assert not Ticket.objects.filter(pk=ticket["id"]).exists()


def test_read_only_and_hidden_tickets_over_the_api(team, account, alpha):
    with schema_context(alpha.schema_name):
        records.account_share(actor=team.owner, account=account, user=team.viewer, access="read")
    ticket = api_for(team.support).post("/api/v1/tickets", {"account": account.pk, "subject": "Q"},
                                        format="json").json()
    viewer, finance = api_for(team.viewer), api_for(team.finance)
    assert viewer.get(f"/api/v1/tickets/{ticket['id']}").status_code == 200
    assert viewer.post(f"/api/v1/tickets/{ticket['id']}/respond").status_code == 403
    assert viewer.patch(f"/api/v1/tickets/{ticket['id']}", {"subject": "x"}, format="json").status_code == 403
    assert finance.get(f"/api/v1/tickets/{ticket['id']}").status_code == 404
    assert finance.get("/api/v1/tickets").json()["results"] == []
    with schema_context(alpha.schema_name):
        stored = Ticket.objects.get(pk=ticket["id"])
        assert (stored.subject, stored.status) == ("Q", "new")


def test_another_workspaces_ids_answer_like_absent(team, account, alpha):
    ticket = api_for(team.support).post("/api/v1/tickets", {"account": account.pk, "subject": "Alpha only"},
                                        format="json").json()
    beta_api = APIClient(HTTP_HOST="beta.localhost")
    token = beta_api.post("/api/v1/auth/token", {"email": WORKSPACES["beta"].owner_email, "password": PASSWORD},
                          format="json").json()["token"]
    beta_api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    hidden = beta_api.get(f"/api/v1/tickets/{ticket['id']}")
    absent = beta_api.get("/api/v1/tickets/99999999")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    for action in ("respond", "resolve", "close", "reopen", "rate", "assign"):
        assert beta_api.post(f"/api/v1/tickets/{ticket['id']}/{action}", {}, format="json").status_code == 404
    assert beta_api.patch(f"/api/v1/tickets/{ticket['id']}", {"subject": "x"}, format="json").status_code == 404
    # and a ticket filed on beta cannot point at alpha's account id
    filed = beta_api.post("/api/v1/tickets", {"account": account.pk, "subject": "x"}, format="json")
    assert filed.status_code == 400
    assert filed.json()["error"]["fields"][0] == {"path": "account", "code": "does_not_exist",
                                                  "message": filed.json()["error"]["fields"][0]["message"]}
    with schema_context(alpha.schema_name):
        stored = Ticket.objects.get(pk=ticket["id"])
        assert (stored.subject, stored.status) == ("Alpha only", "new")
