"""The configuration edit services (core/customization/edits.py), called directly: each edit makes exactly
the expected next document and version with its note, a stale base is a conflict, a role that may not
configure is refused, problems come back by JSON path — and whatever is refused saves nothing."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from core.api.errors import Conflict
from core.customization import edits
from core.customization import services as config
from core.customization.current import current_config, default_document
from core.customization.models import ConfigVersion
from core.records import services as records
from core.records.models import Deal


@pytest.fixture(autouse=True)
def _english(team):
    """Notes and messages in English; every test runs in alpha's schema (the team fixture sets it)."""
    with translation.override("en"):
        yield


def _field(key: str, **extra) -> dict:
    return {"key": key, "type": "text", "label": {"zh-hans": f"字段{key}", "en": f"Field {key}"}, **extra}


def _with_fields(team, *specs: dict) -> dict:
    """Version 1: the default document with `specs` as the deal fields."""
    document = default_document()
    document["custom_fields"] = {"deal": [copy.deepcopy(spec) for spec in specs]}
    config.config_save(actor=team.owner, document=document, base_version=0)
    return document


def _numbers() -> list[int]:
    return list(ConfigVersion.objects.order_by("number").values_list("number", flat=True))


def _paths(error: config.InvalidConfig) -> list[str]:
    return [e.path for e in error.errors]


# --- custom fields ---------------------------------------------------------------------------------

def test_adding_a_field_saves_the_next_version_with_it_and_a_note(team):
    version = edits.custom_field_save(actor=team.admin, entity="deal", spec=_field("budget_code"), base_version=0)
    expected = default_document()
    expected["custom_fields"] = {"deal": [_field("budget_code")]}
    assert (version.number, version.document, version.author_id) == (1, expected, team.admin.pk)
    assert version.note == "Added the field “Field budget_code” to Deals"
    assert current_config().number == 1


def test_a_new_field_goes_after_the_ordered_ones(team):
    _with_fields(team, _field("a", order=2), _field("b", order=5), _field("old", order=9, archived=True))
    version = edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("c"), base_version=1,
                                      note="mine")
    assert version.document["custom_fields"]["deal"][-1] == _field("c", order=6)
    assert version.note == "mine"


def test_changing_a_field_replaces_it_in_place(team):
    _with_fields(team, _field("a"), _field("b"))
    version = edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("a", max_length=20),
                                      original_key="a", base_version=1)
    assert version.document["custom_fields"]["deal"] == [_field("a", max_length=20), _field("b")]
    assert version.note == "Changed the field “Field a” of Deals"


def test_the_key_of_a_saved_field_stays(team):
    _with_fields(team, _field("a"), _field("b"))
    with pytest.raises(config.InvalidConfig) as refused:
        edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("renamed"), original_key="b",
                                base_version=1)
    assert _paths(refused.value) == ["$.custom_fields.deal[1].key"]
    assert _numbers() == [1]


def test_a_taken_key_and_a_bad_spec_are_refused_by_path(team):
    _with_fields(team, _field("budget_code"))
    with pytest.raises(config.InvalidConfig) as refused:
        edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("budget_code"), base_version=1)
    assert _paths(refused.value) == ["$.custom_fields.deal"]
    assert "budget_code" in refused.value.errors[0].message
    with pytest.raises(config.InvalidConfig) as refused:
        edits.custom_field_save(actor=team.owner, entity="deal", base_version=1, spec=_field(
            "code", regex={"pattern": "([a-", "message": {"zh-hans": "格式", "en": "Format"}}))
    assert _paths(refused.value) == ["$.custom_fields.deal[1].regex.pattern"]
    assert _numbers() == [1]


def test_a_stale_base_is_a_conflict_even_for_an_edit_that_changes_nothing(team):
    _with_fields(team, _field("a"))
    edits.custom_field_archive(actor=team.owner, entity="deal", key="a", base_version=1)
    for attempt in (
            lambda: edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("b"), base_version=1),
            lambda: edits.custom_field_archive(actor=team.owner, entity="deal", key="a", base_version=1),
            lambda: edits.custom_field_restore(actor=team.owner, entity="deal", key="a", base_version=3)):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "version_conflict"
    assert _numbers() == [1, 2]


@pytest.mark.parametrize("role", ["member", "manager", "viewer", "finance", "support"])
def test_only_admins_and_owners_edit(team, role):
    actor = getattr(team, role)
    calls = [
        lambda: edits.custom_field_save(actor=actor, entity="deal", spec=_field("a"), base_version=0),
        lambda: edits.custom_fields_reorder(actor=actor, entity="deal", keys=[], base_version=0),
        lambda: edits.custom_field_archive(actor=actor, entity="deal", key="a", base_version=0),
        lambda: edits.pipeline_archive(actor=actor, key="new_business", base_version=0),
        lambda: edits.pipeline_save(actor=actor, spec=default_document()["pipelines"][0],
                                    original_key="new_business", base_version=0),
        lambda: edits.config_replace(actor=actor, document=default_document(), base_version=0),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _numbers() == []


def test_an_unknown_entity_or_field_is_not_found(team):
    _with_fields(team, _field("a"))
    for call in (
            lambda: edits.custom_field_save(actor=team.owner, entity="invoice", spec=_field("a"), base_version=1),
            lambda: edits.custom_field_save(actor=team.owner, entity="deal", spec=_field("zz"), original_key="zz",
                                            base_version=1),
            lambda: edits.custom_field_archive(actor=team.owner, entity="deal", key="zz", base_version=1),
            lambda: edits.custom_fields_reorder(actor=team.owner, entity="invoice", keys=[], base_version=1)):
        with pytest.raises(Http404):
            call()
    assert _numbers() == [1]


def test_reordering_numbers_the_active_fields_and_keeps_unlisted_ones_after(team):
    _with_fields(team, _field("a"), _field("b"), _field("gone", archived=True), _field("c"), _field("d"))
    version = edits.custom_fields_reorder(actor=team.owner, entity="deal", keys=["c", "a", "c"], base_version=1)
    specs = version.document["custom_fields"]["deal"]
    assert [(s["key"], s.get("order")) for s in specs] == [("a", 2), ("b", 3), ("gone", None), ("c", 1), ("d", 4)]
    assert version.note == "Reordered the fields of Deals"
    assert [s["key"] for s in edits.ordered_active(specs)] == ["c", "a", "b", "d"]
    # the same order again saves nothing
    assert edits.custom_fields_reorder(actor=team.owner, entity="deal", keys=["c", "a", "b", "d"],
                                       base_version=2) is None
    # an archived or unknown key is refused
    with pytest.raises(config.InvalidConfig) as refused:
        edits.custom_fields_reorder(actor=team.owner, entity="deal", keys=["gone", "a", "nope"], base_version=2)
    assert [(e.path, e.message) for e in refused.value.errors] == [
        ("$.custom_fields.deal", "“gone” is not an active field of Deals."),
        ("$.custom_fields.deal", "“nope” is not an active field of Deals.")]
    assert _numbers() == [1, 2]


def test_archive_and_restore_keep_the_values_and_repeat_harmlessly(team):
    _with_fields(team, _field("budget_code"), _field("b"))
    account = records.account_create(actor=team.owner, data={"name": "杭州示例科技有限公司"})
    deal = records.deal_create(actor=team.owner, data={"name": "D", "account": account.pk,
                                                       "custom": {"budget_code": "AB1"}})
    archived = edits.custom_field_archive(actor=team.owner, entity="deal", key="budget_code", base_version=1)
    assert archived.document["custom_fields"]["deal"] == [_field("budget_code", archived=True), _field("b")]
    assert archived.note == "Archived the field “Field budget_code” of Deals"
    assert Deal.objects.get(pk=deal.pk).custom == {"budget_code": "AB1"}
    assert edits.custom_field_archive(actor=team.owner, entity="deal", key="budget_code", base_version=2) is None
    restored = edits.custom_field_restore(actor=team.owner, entity="deal", key="budget_code", base_version=2)
    assert restored.document["custom_fields"]["deal"] == [_field("budget_code"), _field("b")]
    assert restored.note == "Restored the field “Field budget_code” of Deals"
    assert _numbers() == [1, 2, 3]


def test_fields_with_builds_a_copy_and_changes_nothing(team):
    document = _with_fields(team, _field("a", order=1))
    in_force = current_config().document
    specs, index = edits.fields_with(edits.field_specs(in_force, "deal"), _field("b"))
    assert (specs, index) == ([_field("a", order=1), _field("b", order=2)], 1)
    edited, index = edits.with_custom_field(in_force, "lead", _field("x"))
    assert (edited["custom_fields"]["lead"], index) == ([_field("x")], 0)
    assert in_force == document  # the version in force is untouched
    assert _numbers() == [1]


# --- pipelines -------------------------------------------------------------------------------------

RENEWALS = {
    "key": "renewals", "label": {"zh-hans": "续约", "en": "Renewals"}, "default": True,
    "stages": [
        {"key": "due", "label": {"zh-hans": "待续约", "en": "Due"}, "probability": 50, "kind": "open"},
        {"key": "renewed", "label": {"zh-hans": "已续约", "en": "Renewed"}, "probability": 100, "kind": "won"},
        {"key": "churned", "label": {"zh-hans": "流失", "en": "Churned"}, "probability": 0, "kind": "lost"},
    ],
}


def test_adding_a_default_pipeline_takes_the_mark_from_the_others(team):
    version = edits.pipeline_save(actor=team.owner, spec=RENEWALS, base_version=0)
    old = default_document()["pipelines"][0]
    old.pop("default", None)
    assert version.document["pipelines"] == [old, RENEWALS]
    assert version.note == "Added the pipeline “Renewals”"


def test_removing_a_stage_that_holds_deals_needs_a_move_then_moves_them(team):
    account = records.account_create(actor=team.owner, data={"name": "杭州示例科技有限公司"})
    deal = records.deal_create(actor=team.owner, data={"name": "D", "account": account.pk, "stage": "proposal"})
    pipeline = default_document()["pipelines"][0]
    pipeline["stages"] = [s for s in pipeline["stages"] if s["key"] != "proposal"]
    with pytest.raises(config.InvalidConfig) as refused:
        edits.pipeline_save(actor=team.owner, spec=pipeline, original_key="new_business", base_version=0)
    assert _paths(refused.value) == ["$.stage_moves.new_business.proposal"]
    assert _numbers() == []
    assert Deal.objects.get(pk=deal.pk).stage == "proposal"
    version = edits.pipeline_save(actor=team.owner, spec=pipeline, original_key="new_business", base_version=0,
                                  moves={"new_business.proposal": "new_business.negotiation"})
    assert version.document["pipelines"] == [pipeline]
    assert version.note == "Changed the pipeline “New business”"
    assert Deal.objects.get(pk=deal.pk).stage == "negotiation"


def test_a_pipeline_keeps_its_key_and_its_errors_come_by_path(team):
    renamed = {**default_document()["pipelines"][0], "key": "other"}
    with pytest.raises(config.InvalidConfig) as refused:
        edits.pipeline_save(actor=team.owner, spec=renamed, original_key="new_business", base_version=0)
    assert _paths(refused.value) == ["$.pipelines[0].key"]
    bad = copy.deepcopy(RENEWALS)
    bad["stages"][0]["probability"] = 150
    with pytest.raises(config.InvalidConfig) as refused:
        edits.pipeline_save(actor=team.owner, spec=bad, base_version=0)
    assert _paths(refused.value) == ["$.pipelines[1].stages[0].probability"]
    with pytest.raises(Http404):
        edits.pipeline_save(actor=team.owner, spec=RENEWALS, original_key="renewals", base_version=0)
    assert _numbers() == []


def test_default_archive_and_restore_of_a_pipeline(team):
    edits.pipeline_save(actor=team.owner, spec={**RENEWALS, "default": False}, base_version=0)
    # the only default cannot be archived
    with pytest.raises(config.InvalidConfig) as refused:
        edits.pipeline_archive(actor=team.owner, key="new_business", base_version=1)
    assert _paths(refused.value) == ["$.pipelines"]
    made = edits.pipeline_make_default(actor=team.owner, key="renewals", base_version=1)
    assert [(p["key"], p.get("default")) for p in made.document["pipelines"]] == [
        ("new_business", None), ("renewals", True)]
    assert made.note == "Made “Renewals” the default pipeline"
    assert edits.pipeline_make_default(actor=team.owner, key="renewals", base_version=2) is None
    archived = edits.pipeline_archive(actor=team.owner, key="new_business", base_version=2)
    assert archived.document["pipelines"][0]["archived"] is True
    assert archived.note == "Archived the pipeline “New business”"
    restored = edits.pipeline_restore(actor=team.owner, key="new_business", base_version=3)
    assert "archived" not in restored.document["pipelines"][0]
    assert restored.note == "Restored the pipeline “New business”"
    with pytest.raises(Http404):
        edits.pipeline_restore(actor=team.owner, key="nope", base_version=4)
    assert _numbers() == [1, 2, 3, 4]


def test_config_replace_saves_the_whole_document_as_written(team):
    document = default_document()
    document["custom_fields"] = {"lead": [_field("source_detail")]}
    version = edits.config_replace(actor=team.owner, document=document, base_version=0, note="json")
    assert (version.number, version.document, version.note) == (1, document, "json")
    with pytest.raises(Conflict):
        edits.config_replace(actor=team.owner, document=document, base_version=0)
    assert _numbers() == [1]
