"""Leads: validation, status rules, search, who sees which lead, and workspace isolation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django_tenants.utils import schema_context

from core.api.errors import Conflict
from core.audit.models import AuditEntry
from core.leads import selectors, services
from core.leads.models import Lead
from tests.leads.conftest import api_for


@pytest.fixture
def owner_api(team):
    return api_for(team.owner)


# --- validation and status rules ------------------------------------------------------------------

def test_validation_errors_name_every_field(owner_api, alpha):
    # given a lead payload wrong in six ways
    payload = {"name": "", "phones": ["12"], "emails": ["nope"], "grade": "D", "score": 101, "nickname": "x"}
    # when it is posted
    response = owner_api.post("/api/v1/leads", payload, format="json")
    # then every failing field is named with its code, and no lead exists
    assert response.status_code == 400
    fields = {(f["path"], f["code"]) for f in response.json()["error"]["fields"]}
    assert fields == {("name", "required"), ("phones", "invalid_phone"), ("emails", "invalid_email"),
                      ("grade", "invalid_choice"), ("score", "max_value"), ("nickname", "unknown_field")}
    with schema_context(alpha.schema_name):
        assert Lead.objects.count() == 0


def test_create_normalizes_masks_and_defaults(owner_api, team):
    # given a valid lead with a phone typed with spaces
    response = owner_api.post("/api/v1/leads", {"company": "杭州示例科技有限公司", "name": "王芳",
                                                "phones": ["138 1234 5678"], "emails": ["Wang@Example.COM"],
                                                "source": "展会", "grade": "A", "score": 80}, format="json")
    # then it is stored normalized, shown masked, owned by its creator, new and unconverted
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phones"], body["emails"]) == (["138****5678"], ["wang@example.com"])
    assert (body["status"], body["owner"], body["in_pool"], body["converted"]) == ("new", team.owner.pk, False, False)
    assert (body["grade"], body["score"], body["source"]) == ("A", 80, "展会")


def test_phones_are_encrypted_at_rest_and_found_by_partial_number(owner_api, alpha):
    # given two leads with phones
    created = owner_api.post("/api/v1/leads", {"company": "杭州示例科技", "name": "王芳", "phones": ["13912345678"]},
                             format="json").json()
    owner_api.post("/api/v1/leads", {"company": "上海贸易", "name": "李雷", "phones": ["13700001111"]}, format="json")
    # then the column holds no digits of the number
    with schema_context(alpha.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT phones::text, search_tokens::text FROM leads_lead WHERE id = %s",
                       [created["id"]])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "13912345678" not in row and "12345678" not in row
    # and search finds it by company fragment, person name and the last digits of the phone
    def found(q):
        return [lead["name"] for lead in owner_api.get("/api/v1/leads", {"q": q}).json()["results"]]

    assert found("示例") == ["王芳"]
    assert found("李雷") == ["李雷"]
    assert found("5678") == ["王芳"]
    assert found("不存在") == []


def test_disqualifying_needs_a_reason(team, in_alpha):
    # given a working lead
    lead = services.lead_create(actor=team.member, data={"name": "Zhang", "status": "working"})
    # when it is disqualified without a reason
    with pytest.raises(ValidationError) as error:
        services.lead_disqualify(actor=team.member, lead=lead, reason="")
    # then the error names the reason field and the lead is unchanged
    assert [(field, e.code) for field, errors in error.value.error_dict.items() for e in errors] == [
        ("disqualified_reason", "required")]
    assert Lead.objects.get(pk=lead.pk).status == "working"
    # when it is disqualified with a reason, then requalified
    services.lead_disqualify(actor=team.member, lead=lead, reason="No budget this year")
    assert Lead.objects.values_list("status", "disqualified_reason").get(pk=lead.pk) == (
        "disqualified", "No budget this year")
    services.lead_qualify(actor=team.member, lead=lead)
    # then the reason went with the old status
    assert Lead.objects.values_list("status", "disqualified_reason").get(pk=lead.pk) == ("qualified", "")


def test_patch_to_disqualified_without_reason_is_refused(owner_api, alpha):
    lead = owner_api.post("/api/v1/leads", {"name": "Zhao"}, format="json").json()
    response = owner_api.patch(f"/api/v1/leads/{lead['id']}", {"status": "disqualified"}, format="json")
    assert response.status_code == 400
    assert [(f["path"], f["code"]) for f in response.json()["error"]["fields"]] == [
        ("disqualified_reason", "required")]
    with schema_context(alpha.schema_name):
        assert Lead.objects.get(pk=lead["id"]).status == "new"


def test_filters(owner_api, team):
    # given four leads differing in status, grade, score and owner
    for data in ({"name": "L1", "status": "working", "grade": "A", "score": 90},
                 {"name": "L2", "status": "working", "grade": "B", "score": 40},
                 {"name": "L3", "status": "new", "grade": "A", "score": 60, "owner": team.member.pk},
                 {"name": "L4", "status": "new", "grade": "C", "score": 10, "owner": None, "source": "web"}):
        assert owner_api.post("/api/v1/leads", data, format="json").status_code == 201

    def names(**params):
        return sorted(lead["name"] for lead in owner_api.get("/api/v1/leads", params).json()["results"])

    assert names(status="working") == ["L1", "L2"]
    assert names(grade="A") == ["L1", "L3"]
    assert names(score_min=40, score_max=60) == ["L2", "L3"]
    assert names(owner=team.member.pk) == ["L3"]
    assert names(in_pool="true") == ["L4"]
    assert names(source="web") == ["L4"]


def test_detail_view_is_audited(owner_api, alpha):
    lead = owner_api.post("/api/v1/leads", {"name": "Viewed"}, format="json").json()
    assert owner_api.get(f"/api/v1/leads/{lead['id']}").status_code == 200
    with schema_context(alpha.schema_name):
        assert list(AuditEntry.objects.filter(entity="lead", record_id=lead["id"]).order_by("id")
                    .values_list("action", flat=True)) == ["create", "view"]


# --- who sees which lead ---------------------------------------------------------------------------

@pytest.fixture
def book(team, in_alpha):
    """One lead per owner across the team, plus one in the unassigned pool."""
    owners = {"member": team.member, "member2": team.member2, "outsider": team.outsider, "owner": team.owner,
              "pool": None}
    return {key: services.lead_create(actor=team.owner, data={"name": f"{key} lead",
                                                               "owner": user.pk if user else None})
            for key, user in owners.items()}


EXPECTED_LEADS = {
    "owner": {"member", "member2", "outsider", "owner", "pool"},
    "admin": {"member", "member2", "outsider", "owner", "pool"},
    "manager": {"member", "member2", "pool"},
    "member": {"member", "pool"},
    "member2": {"member2", "pool"},
    "outsider": {"outsider", "pool"},
    "viewer": set(),
    "finance": set(),
    "support": set(),
}


@pytest.mark.parametrize("who", list(EXPECTED_LEADS))
def test_each_role_sees_exactly(team, book, who):
    seen = {name.removesuffix(" lead") for name in selectors.leads(actor=getattr(team, who))
            .values_list("name", flat=True)}
    assert seen == EXPECTED_LEADS[who]


@pytest.mark.parametrize("who", ["member2", "outsider", "viewer", "finance", "support"])
def test_invisible_lead_is_absent_and_unchanged(team, book, who):
    user = getattr(team, who)
    with pytest.raises(Http404):
        services.lead_update(actor=user, lead=book["member"], data={"name": "Hacked"})
    with pytest.raises(Http404):
        services.lead_delete(actor=user, lead=book["member"])
    assert Lead.objects.get(pk=book["member"].pk).name == "member lead"


@pytest.mark.parametrize("who", ["viewer", "finance", "support"])
def test_read_only_and_leadless_roles_cannot_create(team, in_alpha, who):
    with pytest.raises(PermissionDenied):
        services.lead_create(actor=getattr(team, who), data={"name": "Nope"})
    assert Lead.objects.count() == 0


def test_member_may_take_a_pool_lead_but_not_give_it_away(team, book):
    # when a member assigns a pool lead to themselves
    services.lead_update(actor=team.member, lead=book["pool"], data={"owner": team.member.pk})
    # then it is theirs
    assert Lead.objects.get(pk=book["pool"].pk).owner_id == team.member.pk
    # and assigning their own lead to someone outside their team is refused and changes nothing
    with pytest.raises(ValidationError) as error:
        services.lead_update(actor=team.member, lead=book["member"], data={"owner": team.outsider.pk})
    assert error.value.error_dict["owner"][0].code == "owner_not_allowed"
    assert Lead.objects.get(pk=book["member"].pk).owner_id == team.member.pk


def test_api_list_per_role(team, book):
    assert {lead["name"] for lead in api_for(team.member).get("/api/v1/leads").json()["results"]} == {
        "member lead", "pool lead"}
    assert api_for(team.finance).get("/api/v1/leads").json()["results"] == []
    assert api_for(team.support).get(f"/api/v1/leads/{book['pool'].pk}").status_code == 404


def test_another_workspaces_ids_answer_like_absent(owner_api, beta_owner_api, alpha):
    # given a lead in alpha
    lead = owner_api.post("/api/v1/leads", {"name": "Alpha only", "status": "qualified"}, format="json").json()
    # when beta's owner uses its id on beta
    hidden = beta_owner_api.get(f"/api/v1/leads/{lead['id']}")
    absent = beta_owner_api.get("/api/v1/leads/99999999")
    # then it answers exactly like an absent lead, and nothing in alpha changed
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    assert beta_owner_api.patch(f"/api/v1/leads/{lead['id']}", {"name": "x"}, format="json").status_code == 404
    assert beta_owner_api.post(f"/api/v1/leads/{lead['id']}/convert", {}, format="json").status_code == 404
    with schema_context(alpha.schema_name):
        assert Lead.objects.values_list("name", "converted_at").get(pk=lead["id"]) == ("Alpha only", None)


def test_converted_lead_refuses_changes(team, in_alpha):
    lead = services.lead_create(actor=team.member, data={"name": "Done", "company": "Done Co", "status": "qualified"})
    services.lead_convert(actor=team.member, lead=lead)
    with pytest.raises(Conflict) as error:
        services.lead_update(actor=team.member, lead=lead, data={"name": "Changed"})
    assert error.value.code == "already_converted"
    assert Lead.objects.get(pk=lead.pk).name == "Done"
