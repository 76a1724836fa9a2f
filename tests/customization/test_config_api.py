"""The configuration API: versions, If-Match conflicts, every error at once, rollback, history, diff, roles,
and one workspace's change never reaching another."""

from __future__ import annotations

import copy

import pytest
from django_tenants.utils import schema_context

from core.customization.models import ConfigVersion
from tests.records.conftest import api_for


def budget_field(**extra):
    return {"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号", "en": "Budget code"},
            "regex": {"pattern": "^[A-Z]{2}\\d+$", "message": {"zh-hans": "格式如 AB123", "en": "Like AB123"}},
            **extra}


@pytest.fixture
def owner_api(team):
    return api_for(team.owner)


def current(api):
    response = api.get("/api/v1/config")
    assert response.status_code == 200
    return response.json()["version"], response.json()["document"], response["ETag"]


def put(api, document, version, note="", **extra):
    return api.put("/api/v1/config", {"document": document, "note": note, **extra}, format="json",
                   HTTP_IF_MATCH=f'"{version}"')


def test_a_new_workspace_has_version_0_with_the_default_pipeline(owner_api):
    version, document, etag = current(owner_api)
    assert (version, etag) == (0, '"0"')
    assert [p["key"] for p in document["pipelines"]] == ["new_business"]
    assert document["custom_fields"] == {}


def test_saving_makes_a_new_version_and_an_old_base_is_a_conflict(owner_api, alpha):
    version, document, _etag = current(owner_api)
    changed = copy.deepcopy(document)
    changed["custom_fields"] = {"deal": [budget_field()]}
    saved = put(owner_api, changed, version, note="budget code")
    assert saved.status_code == 200, saved.content
    assert (saved.json()["version"], saved["ETag"]) == (1, '"1"')
    # a second admin still editing version 0 gets 409 and nothing changes
    stale = put(owner_api, document, 0)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "version_conflict"
    # no If-Match at all: 428
    assert owner_api.put("/api/v1/config", {"document": document}, format="json").status_code == 428
    with schema_context(alpha.schema_name):
        assert list(ConfigVersion.objects.values_list("number", "note")) == [(1, "budget code")]


def test_an_invalid_document_lists_every_error_and_changes_nothing(owner_api, alpha):
    version, document, _etag = current(owner_api)
    bad = copy.deepcopy(document)
    bad["custom_fields"] = {"deal": [{"key": "tier", "type": "select", "label": {"zh-hans": "等级"}},
                                     budget_field(), budget_field()]}
    bad["pipelines"][0]["stages"][2]["probability"] = 150
    response = put(owner_api, bad, version)
    assert response.status_code == 400
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert any(p.startswith("$.custom_fields.deal[0]") for p in paths), paths
    assert any(p.startswith("$.pipelines[0].stages[2].probability") for p in paths), paths
    # the dry run gives the same errors
    dry = owner_api.post("/api/v1/config/validate", {"document": bad}, format="json").json()
    assert dry["valid"] is False
    assert {e["path"] for e in dry["errors"]} == paths
    with schema_context(alpha.schema_name):
        assert not ConfigVersion.objects.exists()


def test_semantic_errors_are_reported_by_path(owner_api):
    version, document, _etag = current(owner_api)
    bad = copy.deepcopy(document)
    bad["custom_fields"] = {"deal": [budget_field(), budget_field()]}
    bad["pipelines"][0]["stages"][2]["required_fields"] = ["custom.nope", "amount"]
    response = put(owner_api, bad, version)
    assert response.status_code == 400
    errors = {f["path"]: f["message"] for f in response.json()["error"]["fields"]}
    assert "$.custom_fields.deal" in errors and "budget_code" in errors["$.custom_fields.deal"]
    assert "custom.nope" in errors["$.pipelines[0].stages[2].required_fields"]


@pytest.mark.parametrize("role", ["member", "manager", "viewer", "finance", "support"])
def test_only_admins_and_owners_change_the_configuration(team, role, alpha):
    api = api_for(getattr(team, role))
    version, document, _etag = current(api)  # everyone reads it (forms are drawn from it)
    document["custom_fields"] = {"deal": [budget_field()]}
    assert put(api, document, version).status_code == 403
    assert api.get("/api/v1/config/versions").status_code == 403
    with schema_context(alpha.schema_name):
        assert not ConfigVersion.objects.exists()


def test_history_diff_and_rollback(owner_api, alpha):
    _v, document, _e = current(owner_api)
    first = copy.deepcopy(document)
    first["custom_fields"] = {"deal": [budget_field()]}
    assert put(owner_api, first, 0, note="one").status_code == 200
    second = copy.deepcopy(first)
    second["custom_fields"]["deal"][0]["label"]["en"] = "Budget"
    assert put(owner_api, second, 1, note="two").status_code == 200
    history = owner_api.get("/api/v1/config/versions").json()
    assert history["current"] == 2
    assert [row["version"] for row in history["results"]] == [2, 1]
    changes = owner_api.get("/api/v1/config/diff", {"from": 1, "to": 2}).json()["changes"]
    assert changes == [{"path": "$.custom_fields.deal.budget_code.label.en", "change": "changed",
                        "old": "Budget code", "new": "Budget"}]
    rolled = owner_api.post("/api/v1/config/rollback", {"version": 1}, format="json", HTTP_IF_MATCH='"2"')
    assert rolled.status_code == 201, rolled.content
    assert rolled.json()["version"] == 3
    assert rolled.json()["document"] == first
    assert owner_api.get("/api/v1/config/versions/3").json()["rolled_back_to"] == 1
    # a rollback from a stale base is a conflict too
    assert owner_api.post("/api/v1/config/rollback", {"version": 0}, format="json",
                          HTTP_IF_MATCH='"2"').status_code == 409


def test_a_change_in_one_workspace_never_reaches_another(owner_api, team, beta):
    from tests.factories import owner_of

    _v, document, _e = current(owner_api)
    document["custom_fields"] = {"deal": [budget_field(required=True)]}
    assert put(owner_api, document, 0).status_code == 200
    beta_api = api_for(owner_of(beta), host="beta.localhost")
    version, beta_doc, _etag = current(beta_api)
    assert (version, beta_doc["custom_fields"]) == (0, {})
    # beta creates a deal without the field alpha requires
    account = beta_api.post("/api/v1/accounts", {"name": "Beta Co"}, format="json").json()
    deal = beta_api.post("/api/v1/deals", {"name": "Beta deal", "account": account["id"]}, format="json")
    assert deal.status_code == 201, deal.content


def test_an_unknown_time_zone_and_a_missing_default_user_are_refused(owner_api):
    version, document, _etag = current(owner_api)
    document["settings"]["time_zone"] = "Asia/Atlantis"
    document["custom_fields"] = {"account": [{"key": "handler", "type": "user", "default": 999_999,
                                              "label": {"zh-hans": "处理人", "en": "Handler"}}]}
    response = put(owner_api, document, version)
    assert response.status_code == 400
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert "$.settings.time_zone" in paths
    document["settings"]["time_zone"] = "Asia/Shanghai"
    response = put(owner_api, document, version)
    assert [f["path"] for f in response.json()["error"]["fields"]] == ["$.custom_fields.account[0].default"]


def test_non_admins_read_the_configuration_without_hidden_fields_or_plugin_settings(team, in_alpha):
    import copy

    from core.customization import services as config
    from core.customization.current import current_version, default_document
    from tests.records.conftest import api_for

    document = default_document()
    document["custom_fields"] = {"account": [
        {"key": "credit_limit", "type": "text", "label": {"zh-hans": "信用额度", "en": "Credit limit"},
         "visible_to": ["owner", "admin", "finance"]},
        {"key": "segment", "type": "text", "label": {"zh-hans": "细分", "en": "Segment"}}]}
    document["plugins"] = {"wecom": {"enabled": True, "settings": {"webhook": "https://qyapi.example/key=abc"}}}
    config.config_save(actor=team.owner, document=copy.deepcopy(document), base_version=current_version())
    member = api_for(team.member).get("/api/v1/config").json()["document"]
    assert [spec["key"] for spec in member["custom_fields"]["account"]] == ["segment"]
    assert member["plugins"] == {"wecom": {"enabled": True}}
    finance = api_for(team.finance).get("/api/v1/config").json()["document"]
    assert [spec["key"] for spec in finance["custom_fields"]["account"]] == ["credit_limit", "segment"]
    admin = api_for(team.admin).get("/api/v1/config").json()["document"]
    assert admin["plugins"]["wecom"]["settings"] == {"webhook": "https://qyapi.example/key=abc"}
    # the form description for a role never describes fields that role may not read
    meta = api_for(team.finance).get("/api/v1/meta/fields/account").json()
    assert "emails" not in {item["key"] for item in meta["builtin"]}
    assert {item["key"] for item in meta["custom"]} == {"credit_limit", "segment"}


def test_a_sensitive_field_cannot_be_unique(team, in_alpha):
    """Encrypted values cannot be compared, so uniqueness could never be enforced: refused, with its path."""
    from core.customization import services as config
    from core.customization.current import current_version, default_document

    document = default_document()
    document["custom_fields"] = {"contact": [{"key": "id_card", "type": "text", "sensitive": True, "unique": True,
                                              "label": {"zh-hans": "身份证", "en": "ID card"}}]}
    errors = config.config_validate(document)
    assert [(error.path, error.message) for error in errors] == [(
        "$.custom_fields.contact[0].unique",
        "A sensitive field cannot be unique: its values are stored encrypted, so they cannot be compared. "
        "Remove “unique” or “sensitive”.")]
    assert current_version() == 0
