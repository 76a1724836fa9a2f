"""The config API's edits of one custom field or pipeline (/api/v1/config/custom-fields/…,
/api/v1/config/pipelines/…): If-Match on the configuration version, the same edit services as the settings
pages, errors by JSON path, and only admins and owners — whatever is refused saves nothing."""

from __future__ import annotations

import copy

import pytest
from django_tenants.utils import schema_context

from core.customization.current import default_document
from core.customization.models import ConfigVersion
from core.records import services as records
from core.records.models import Deal
from core.users.services import user_update_profile
from tests.records.conftest import api_for

FIELDS = "/api/v1/config/custom-fields"
PIPELINES = "/api/v1/config/pipelines"


def _field(key: str, **extra) -> dict:
    return {"key": key, "type": "text", "label": {"zh-hans": f"字段{key}", "en": f"Field {key}"}, **extra}


@pytest.fixture
def owner_api(team, alpha):
    """The owner's API client; they read English (notes and messages are in the actor's language)."""
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    return api_for(team.owner)


def _versions(alpha) -> list[tuple[int, str]]:
    with schema_context(alpha.schema_name):
        return list(ConfigVersion.objects.order_by("number").values_list("number", "note"))


def _document(alpha) -> dict:
    with schema_context(alpha.schema_name):
        return ConfigVersion.objects.order_by("-number").first().document


def _put_field(api, key, field, version, entity="deal", **extra):
    return api.put(f"{FIELDS}/{entity}/{key}", {"field": field, **extra}, format="json",
                   HTTP_IF_MATCH=f'"{version}"')


def _paths(response) -> list[str]:
    return [f["path"] for f in response.json()["error"]["fields"]]


# --- custom fields ---------------------------------------------------------------------------------

def test_put_adds_a_field_then_changes_it(owner_api, alpha):
    created = _put_field(owner_api, "budget_code", {"type": "text", "label": _field("x")["label"]}, 0,
                         note="budget")
    assert created.status_code == 201, created.content
    assert created.json() == {"version": 1, "field": {"key": "budget_code", "type": "text",
                                                      "label": {"zh-hans": "字段x", "en": "Field x"}}}
    assert created["ETag"] == '"1"'
    changed = _put_field(owner_api, "budget_code", _field("budget_code", max_length=20), 1)
    assert changed.status_code == 200, changed.content
    assert changed.json() == {"version": 2, "field": _field("budget_code", max_length=20)}
    assert _document(alpha)["custom_fields"] == {"deal": [_field("budget_code", max_length=20)]}
    with schema_context(alpha.schema_name):
        assert ConfigVersion.objects.get(number=2).note == "Changed the field “Field budget_code” of Deals"
    assert [n for n, _note in _versions(alpha)] == [1, 2]
    assert _versions(alpha)[0] == (1, "budget")


def test_put_refuses_errors_by_path_a_stale_version_and_a_missing_if_match(owner_api, alpha):
    bad = _field("code", regex={"pattern": "([a-", "message": {"zh-hans": "格式", "en": "Format"}})
    response = _put_field(owner_api, "code", bad, 0)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_config"
    assert _paths(response) == ["$.custom_fields.deal[0].regex.pattern"]
    mismatch = _put_field(owner_api, "code", _field("other"), 0)
    assert mismatch.status_code == 400
    assert _paths(mismatch) == ["field.key"]
    assert _put_field(owner_api, "code", _field("code"), 3).json()["error"]["code"] == "version_conflict"
    assert owner_api.put(f"{FIELDS}/deal/code", {"field": _field("code")}, format="json").status_code == 428
    assert _put_field(owner_api, "code", _field("code"), 0, entity="invoice").status_code == 404
    assert _versions(alpha) == []


def test_delete_archives_and_restore_brings_back(owner_api, alpha, team):
    assert _put_field(owner_api, "budget_code", _field("budget_code"), 0).status_code == 201
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.owner, data={"name": "杭州示例科技有限公司"})
        deal = records.deal_create(actor=team.owner, data={"name": "D", "account": account.pk,
                                                           "custom": {"budget_code": "AB1"}})
    archived = owner_api.delete(f"{FIELDS}/deal/budget_code", HTTP_IF_MATCH='"1"')
    assert archived.status_code == 200, archived.content
    assert archived.json() == {"version": 2, "field": _field("budget_code", archived=True)}
    assert owner_api.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {}
    # archiving again changes nothing: no version, the one in force answers
    again = owner_api.delete(f"{FIELDS}/deal/budget_code", HTTP_IF_MATCH='"2"')
    assert (again.status_code, again.json()["version"], again["ETag"]) == (200, 2, '"2"')
    restored = owner_api.post(f"{FIELDS}/deal/budget_code/restore", HTTP_IF_MATCH='"2"')
    assert restored.json() == {"version": 3, "field": _field("budget_code")}
    assert owner_api.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {"budget_code": "AB1"}
    assert owner_api.delete(f"{FIELDS}/deal/nope", HTTP_IF_MATCH='"3"').status_code == 404
    assert owner_api.post(f"{FIELDS}/deal/budget_code/restore", HTTP_IF_MATCH='"2"').status_code == 409
    assert [n for n, _note in _versions(alpha)] == [1, 2, 3]


def test_patch_reorders_the_active_fields(owner_api, alpha):
    for number, key in enumerate(["a", "b", "c"]):
        assert _put_field(owner_api, key, _field(key), number).status_code == 201
    response = owner_api.patch(f"{FIELDS}/deal", {"order": ["c", "a"]}, format="json", HTTP_IF_MATCH='"3"')
    assert response.status_code == 200, response.content
    assert (response.json(), response["ETag"]) == ({"version": 4, "order": ["c", "a", "b"]}, '"4"')
    assert [(s["key"], s["order"]) for s in _document(alpha)["custom_fields"]["deal"]] == [
        ("a", 2), ("b", 3), ("c", 1)]
    unknown = owner_api.patch(f"{FIELDS}/deal", {"order": ["c", "zz"]}, format="json", HTTP_IF_MATCH='"4"')
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == [{"path": "$.custom_fields.deal", "code": "invalid",
                                                  "message": "“zz” is not an active field of Deals."}]
    assert [n for n, _note in _versions(alpha)] == [1, 2, 3, 4]


# --- pipelines -------------------------------------------------------------------------------------

RENEWALS = {
    "label": {"zh-hans": "续约", "en": "Renewals"},
    "stages": [
        {"key": "due", "label": {"zh-hans": "待续约", "en": "Due"}, "probability": 50, "kind": "open"},
        {"key": "renewed", "label": {"zh-hans": "已续约", "en": "Renewed"}, "probability": 100, "kind": "won"},
        {"key": "churned", "label": {"zh-hans": "流失", "en": "Churned"}, "probability": 0, "kind": "lost"},
    ],
}


def test_put_adds_a_pipeline_and_changing_one_moves_the_deals_of_removed_stages(owner_api, alpha, team):
    created = owner_api.put(f"{PIPELINES}/renewals", {"pipeline": RENEWALS}, format="json", HTTP_IF_MATCH='"0"')
    assert created.status_code == 201, created.content
    assert created.json() == {"version": 1, "pipeline": {"key": "renewals", **RENEWALS}}
    with schema_context(alpha.schema_name):
        account = records.account_create(actor=team.owner, data={"name": "杭州示例科技有限公司"})
        deal = records.deal_create(actor=team.owner, data={"name": "D", "account": account.pk, "stage": "proposal"})
    pipeline = default_document()["pipelines"][0]
    pipeline["stages"] = [s for s in pipeline["stages"] if s["key"] != "proposal"]
    refused = owner_api.put(f"{PIPELINES}/new_business", {"pipeline": pipeline}, format="json",
                            HTTP_IF_MATCH='"1"')
    assert refused.status_code == 400
    assert _paths(refused) == ["$.stage_moves.new_business.proposal"]
    moved = owner_api.put(f"{PIPELINES}/new_business", {
        "pipeline": pipeline, "stage_moves": {"new_business.proposal": "renewals.due"}}, format="json",
        HTTP_IF_MATCH='"1"')
    assert moved.status_code == 200, moved.content
    assert moved.json() == {"version": 2, "pipeline": pipeline}
    with schema_context(alpha.schema_name):
        assert Deal.objects.filter(pk=deal.pk).values_list("pipeline", "stage").get() == ("renewals", "due")
    assert [n for n, _note in _versions(alpha)] == [1, 2]


def test_default_archive_and_restore_of_a_pipeline(owner_api, alpha):
    assert owner_api.put(f"{PIPELINES}/renewals", {"pipeline": RENEWALS}, format="json",
                         HTTP_IF_MATCH='"0"').status_code == 201
    # the default pipeline cannot be archived
    refused = owner_api.delete(f"{PIPELINES}/new_business", HTTP_IF_MATCH='"1"')
    assert refused.status_code == 400
    assert _paths(refused) == ["$.pipelines"]
    made = owner_api.post(f"{PIPELINES}/renewals/default", HTTP_IF_MATCH='"1"')
    assert made.status_code == 200, made.content
    assert made.json() == {"version": 2, "pipeline": {"key": "renewals", **RENEWALS, "default": True}}
    archived = owner_api.delete(f"{PIPELINES}/new_business", HTTP_IF_MATCH='"2"')
    assert archived.json()["pipeline"]["archived"] is True
    restored = owner_api.post(f"{PIPELINES}/new_business/restore", HTTP_IF_MATCH='"3"')
    assert (restored.json()["version"], "archived" in restored.json()["pipeline"]) == (4, False)
    assert owner_api.post(f"{PIPELINES}/nope/restore", HTTP_IF_MATCH='"4"').status_code == 404
    assert [n for n, _note in _versions(alpha)] == [1, 2, 3, 4]


# --- who may edit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "manager", "viewer", "finance", "support"])
def test_only_admins_and_owners_edit_and_nothing_is_saved_for_others(team, alpha, role):
    api = api_for(getattr(team, role))
    pipeline = copy.deepcopy(default_document()["pipelines"][0])
    calls = [
        lambda: api.put(f"{FIELDS}/deal/budget_code", {"field": _field("budget_code")}, format="json",
                        HTTP_IF_MATCH='"0"'),
        lambda: api.delete(f"{FIELDS}/deal/budget_code", HTTP_IF_MATCH='"0"'),
        lambda: api.post(f"{FIELDS}/deal/budget_code/restore", HTTP_IF_MATCH='"0"'),
        lambda: api.patch(f"{FIELDS}/deal", {"order": ["budget_code"]}, format="json", HTTP_IF_MATCH='"0"'),
        lambda: api.put(f"{PIPELINES}/new_business", {"pipeline": pipeline}, format="json", HTTP_IF_MATCH='"0"'),
        lambda: api.delete(f"{PIPELINES}/new_business", HTTP_IF_MATCH='"0"'),
        lambda: api.post(f"{PIPELINES}/new_business/restore", HTTP_IF_MATCH='"0"'),
        lambda: api.post(f"{PIPELINES}/new_business/default", HTTP_IF_MATCH='"0"'),
        # without If-Match too: the role is refused before anything else is looked at
        lambda: api.put(f"{FIELDS}/deal/budget_code", {"field": _field("budget_code")}, format="json"),
    ]
    for call in calls:
        response = call()
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "permission_denied"
    assert _versions(alpha) == []


def test_an_admin_may_edit(team, alpha):
    response = _put_field(api_for(team.admin), "budget_code", _field("budget_code"), 0)
    assert response.status_code == 201, response.content
    with schema_context(alpha.schema_name):
        assert ConfigVersion.objects.get().author_id == team.admin.pk


def test_the_openapi_document_lists_the_edit_endpoints(owner_api):
    import json

    paths = json.loads(owner_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
                       )["paths"]
    assert set(paths[f"{FIELDS}/{{entity}}/{{key}}"]) == {"put", "delete"}
    assert set(paths[f"{FIELDS}/{{entity}}"]) == {"patch"}
    assert set(paths[f"{PIPELINES}/{{key}}"]) == {"put", "delete"}
    for path in (f"{FIELDS}/{{entity}}/{{key}}/restore", f"{PIPELINES}/{{key}}/restore",
                 f"{PIPELINES}/{{key}}/default"):
        assert set(paths[path]) == {"post"}, path
