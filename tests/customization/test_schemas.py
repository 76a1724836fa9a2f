"""The JSON Schemas of the workspace configuration, its presets, and the messages admins get.

No database: the schemas, presets and messages are plain files and functions.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from jsonschema import Draft202012Validator

from core.customization.schema import (
    PATTERN_HINTS,
    ConfigError,
    json_path,
    load_preset,
    presets,
    schema_dir,
    schema_files,
    structural_errors,
)

SCHEMAS = schema_files()
PRESETS = schema_dir() / "presets"
CJK = re.compile(r"[\u4e00-\u9fff]")
EXPECTED_FILES = {
    "tenant-config.schema.json", "settings.schema.json", "custom-fields.schema.json", "pipelines.schema.json",
    "approval-workflows.schema.json", "automations.schema.json", "plugins.schema.json",
    "localized-text.schema.json", "condition.schema.json",
}


def subschemas(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every dict in a schema, with a readable location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from subschemas(value, f"{where}/{index}")


# --- the schemas ---------------------------------------------------------------------------------

def test_every_section_has_its_schema_file():
    assert set(SCHEMAS) == EXPECTED_FILES
    assert next(iter(SCHEMAS)) == "tenant-config.schema.json"


@pytest.mark.parametrize("name", sorted(EXPECTED_FILES))
def test_schema_is_a_valid_draft_2020_12_schema(name):
    schema = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://guanxi.dev/config_schemas/{name}"
    Draft202012Validator.check_schema(schema)
    assert schema.get("title") and schema.get("description"), f"{name} needs a title and a description"


def _undocumented(node: Any, where: str, in_rule: set[str] | None = None,
                  enclosing: frozenset[str] = frozenset()) -> Iterator[str]:
    """Properties without a title or a description.

    An if/then/else rule does not declare properties: it narrows ones its object declares (and
    documents). So inside a rule a property must be declared by the enclosing object instead.
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _undocumented(item, f"{where}/{index}", in_rule, enclosing)
        return
    if not isinstance(node, dict):
        return
    declared = enclosing | set(node.get("properties", {}))
    for key, value in node.items():
        here = f"{where}/{key}"
        if key == "properties":
            for name, subschema in value.items():
                if in_rule is not None:
                    if name not in in_rule:
                        yield f"{here}/{name} (a rule names a property its object does not declare)"
                elif not (isinstance(subschema, dict) and subschema.get("title") and subschema.get("description")):
                    yield f"{here}/{name}"
                yield from _undocumented(subschema, f"{here}/{name}")
        elif key in ("if", "then", "else"):
            yield from _undocumented(value, here, set(declared))
        elif key == "allOf":  # rules of the same object
            yield from _undocumented(value, here, in_rule, frozenset(declared))
        elif key == "additionalProperties" and isinstance(value, dict):
            if not (value.get("title") and value.get("description")):
                yield here
            yield from _undocumented(value, here)
        else:
            yield from _undocumented(value, here)


def test_every_property_has_a_title_and_a_description():
    missing = [f"{name}#{where}" for name, schema in SCHEMAS.items() for where in _undocumented(schema, "")]
    assert not missing, "Properties without a title or description:\n" + "\n".join(missing)


def test_the_documentation_check_notices_a_missing_description():
    broken = {"properties": {"a": {"title": "A"}, "b": {"title": "B", "description": "d"}},
              "allOf": [{"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"c": False}}}]}
    assert sorted(_undocumented(broken, "")) == [
        "/allOf/0/then/properties/c (a rule names a property its object does not declare)", "/properties/a"]


def test_objects_allow_no_other_keys_except_where_the_spec_says():
    open_objects = []
    for name, schema in SCHEMAS.items():
        for where, node in subschemas(schema):
            in_rule = any(f"/{word}" in where for word in ("if", "then", "else"))
            if "properties" in node and not in_rule and node.get("additionalProperties") is not False:
                open_objects.append(f"{name}#{where}")
    assert sorted(open_objects) == ["approval-workflows.schema.json#/items", "automations.schema.json#/items"]


def test_every_reference_is_relative_and_resolves():
    for name, schema in SCHEMAS.items():
        for where, node in subschemas(schema):
            ref = node.get("$ref")
            if ref is None:
                continue
            assert "://" not in ref, f"{name}#{where}: $ref {ref!r} must be relative (validation runs offline)"
            target, _, pointer = ref.partition("#")
            target_schema = SCHEMAS[target or name]
            for part in filter(None, pointer.split("/")):
                target_schema = target_schema[part]
            assert isinstance(target_schema, dict)


def test_every_pattern_compiles_and_has_words_for_admins():
    patterns = {node["pattern"] for schema in SCHEMAS.values() for _where, node in subschemas(schema)
                if isinstance(node.get("pattern"), str)}
    for pattern in patterns:
        re.compile(pattern)
    assert patterns - PATTERN_HINTS.keys() == set(), "add a hint to PATTERN_HINTS in core/customization/schema.py"
    assert PATTERN_HINTS.keys() - patterns == set(), "PATTERN_HINTS names a pattern no schema uses"


# --- presets -------------------------------------------------------------------------------------

INDEX = json.loads((PRESETS / "index.json").read_text(encoding="utf-8"))


def test_index_lists_every_preset_file_blank_first():
    files = {path.name for path in PRESETS.glob("*.json")} - {"index.json"}
    assert sorted(entry["file"] for entry in INDEX) == sorted(files)
    assert INDEX[0]["key"] == "blank"
    assert [entry["key"] for entry in INDEX] == [
        "blank", "b2b-manufacturing", "retail-ecommerce", "saas-subscriptions", "education-training"]
    for entry in INDEX:
        assert set(entry) == {"key", "file", "label", "description"}
        assert entry["file"] == f"{entry['key']}.json"
        for text in (entry["label"], entry["description"]):
            assert set(text) == {"zh-hans", "en"} and all(text.values())
    assert presets() == INDEX


@pytest.mark.parametrize("key", [entry["key"] for entry in INDEX])
def test_preset_is_a_valid_document(key):
    document = load_preset(key)
    assert document["format"] == 1
    assert "settings" in document
    assert structural_errors(document) == []


def test_unknown_preset_is_a_key_error():
    with pytest.raises(KeyError):
        load_preset("../tenant-config.schema")


def test_load_preset_returns_a_fresh_copy():
    document = load_preset("saas-subscriptions")
    document["pipelines"].clear()
    assert load_preset("saas-subscriptions")["pipelines"]


def _conditions(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "field" in node and "op" in node:
            yield node
        for value in node.values():
            yield from _conditions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _conditions(value)


@pytest.mark.parametrize("key", [entry["key"] for entry in INDEX if entry["key"] != "blank"])
def test_industry_preset_is_consistent_and_complete(key):
    """What the schema cannot say, but a preset must get right: unique keys, references that exist."""
    document = load_preset(key)
    ZoneInfo(document["settings"]["time_zone"])
    fields = document["custom_fields"]
    for entity, specs in fields.items():
        assert not [k for k, n in Counter(spec["key"] for spec in specs).items() if n > 1], entity
        for spec in specs:
            options = [option["key"] for option in spec.get("options", [])]
            assert len(options) == len(set(options)), spec["key"]
            if spec["type"] == "select" and "default" in spec:
                assert spec["default"] in options, spec["key"]
    assert sum(1 for pipeline in document["pipelines"] if pipeline.get("default")) == 1
    deal_keys = {spec["key"] for spec in fields.get("deal", [])}
    account_keys = {spec["key"] for spec in fields.get("account", [])}
    for pipeline in document["pipelines"]:
        stages = pipeline["stages"]
        assert len({stage["key"] for stage in stages}) == len(stages)
        assert {stage["kind"] for stage in stages} == {"open", "won", "lost"}
        for stage in stages:
            for name in stage.get("required_fields", []):
                if name.startswith("custom."):
                    assert name.removeprefix("custom.") in deal_keys, f"{pipeline['key']}.{stage['key']}: {name}"
    for condition in _conditions(document):
        path = condition["field"]
        if path.startswith("account.custom."):
            assert path.removeprefix("account.custom.") in account_keys, path
    # what the brief of every preset asks for: help texts and conditions
    assert any("help" in spec for specs in fields.values() for spec in specs)
    assert any("required_when" in spec for specs in fields.values() for spec in specs)
    assert any("entry_condition" in stage for pipeline in document["pipelines"] for stage in pipeline["stages"])


# --- errors and their messages -------------------------------------------------------------------

def _label(zh: str, en: str) -> dict:
    return {"zh-hans": zh, "en": en}


BROKEN = {
    "format": 1,
    "custom_fields": {
        "deal": [
            {"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号"}},
            {"key": "size", "type": "textt", "label": _label("规模", "Size")},
            {"key": "tier", "type": "select", "label": _label("等级", "Tier")},
            {"key": "note", "type": "text", "label": _label("备注", "Note"), "colour": "#ff0000",
             "options": [{"key": "a", "label": _label("甲", "A")}]},
        ],
    },
    "pipelines": [{
        "key": "new_business", "label": _label("新业务", "New business"), "default": True,
        "stages": [
            {"key": "proposal", "label": _label("方案报价", "Proposal"), "probability": 50, "kind": "open",
             "entry_condition": {"field": "amount", "op": "in", "value": 100}},
            {"key": "won", "label": _label("赢单", "Won"), "probability": 150, "kind": "won",
             "entry_condition": {"all": [{"field": "amount", "op": "like", "value": 1},
                                         {"field": "custom.budget_code", "op": "is_empty", "value": "x"}]}},
        ],
    }],
}


def _by_path(errors: list[ConfigError]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(error.path, []).append(error.message)
    return found


def test_a_broken_document_yields_one_precise_error_per_problem():
    with translation.override("en"):
        errors = structural_errors(copy.deepcopy(BROKEN))
    assert all(isinstance(error, ConfigError) for error in errors)
    found = _by_path(errors)
    assert sorted(found) == sorted([
        "$.custom_fields.deal[0].label.en",
        "$.custom_fields.deal[1].type",
        "$.custom_fields.deal[2].options",
        "$.custom_fields.deal[3].colour",
        "$.custom_fields.deal[3].options",
        "$.pipelines[0].stages[0].entry_condition.value",
        "$.pipelines[0].stages[1].entry_condition.all[0].op",
        "$.pipelines[0].stages[1].entry_condition.all[1].value",
        "$.pipelines[0].stages[1].probability",
    ]), errors
    assert all(len(messages) == 1 for messages in found.values()), found

    [missing] = found["$.custom_fields.deal[0].label.en"]
    assert "“en”" in missing and "missing" in missing
    [bad_type] = found["$.custom_fields.deal[1].type"]
    assert "“textt”" in bad_type and "“select”" in bad_type and "“long_text”" in bad_type
    [no_options] = found["$.custom_fields.deal[2].options"]
    assert no_options == "“options” is required when “type” is one of “select”, “multi_select”. Add it."
    [unknown] = found["$.custom_fields.deal[3].colour"]
    assert "“colour”" in unknown and "options" in unknown and "key" in unknown
    [forbidden] = found["$.custom_fields.deal[3].options"]
    assert forbidden == "“options” is only allowed when “type” is one of “select”, “multi_select”. Remove it."
    [not_a_list] = found["$.pipelines[0].stages[0].entry_condition.value"]
    assert "a list" in not_a_list and "“in”" in not_a_list
    [unknown_op] = found["$.pipelines[0].stages[1].entry_condition.all[0].op"]
    assert "“like”" in unknown_op and "“between”" in unknown_op
    [no_value] = found["$.pipelines[0].stages[1].entry_condition.all[1].value"]
    assert "“value” is not allowed" in no_value and "“is_empty”" in no_value
    [too_likely] = found["$.pipelines[0].stages[1].probability"]
    assert too_likely == "150 is too large. Use 100 or less."


def test_errors_are_sorted_by_path_with_numeric_indexes():
    document = {"format": 1, "custom_fields": {"deal": [
        {"key": f"f{index}", "type": "text", "label": _label("字段", "Field")} for index in range(12)]}}
    for index in (2, 10):
        document["custom_fields"]["deal"][index]["type"] = "nope"
    document["settings"] = {"language": "fr"}
    paths = [error.path for error in structural_errors(document)]
    assert paths == ["$.custom_fields.deal[2].type", "$.custom_fields.deal[10].type", "$.settings.language"]


@pytest.mark.parametrize(("document", "path", "words"), [
    ([], "$", ["an object", "a list"]),
    ({}, "$.format", ["“format”"]),
    ({"format": 2}, "$.format", ["1"]),
    ({"format": 1, "pipelines": []}, "$.pipelines", ["empty"]),
    ({"format": 1, "settings": {"default_currency": "rmb"}}, "$.settings.default_currency", ["“rmb”", "CNY"]),
    ({"format": 1, "plugins": {"9lives": {"enabled": True}}}, "$.plugins['9lives']", ["“9lives”"]),
    ({"format": 1, "plugins": {"wecom": {"enabled": "yes"}}}, "$.plugins.wecom.enabled", ["true or false"]),
    ({"format": 1, "automations": [{"trigger": "x"}]}, "$.automations[0].key", ["“key”"]),
])
def test_messages_name_what_is_wrong(document, path, words):
    with translation.override("en"):
        errors = structural_errors(document)
    assert [error.path for error in errors] == [path], errors
    for word in words:
        assert word in errors[0].message


def _field(**spec: Any) -> dict:
    return {"format": 1, "custom_fields": {"account": [{"key": "x", "label": _label("甲", "X"), **spec}]}}


@pytest.mark.parametrize(("spec", "path", "words"), [
    ({"type": "link"}, "link_entity", ["“link”"]),
    ({"type": "integer", "regex": {"pattern": "^a$", "message": _label("甲", "A")}}, "regex", ["“text”"]),
    ({"type": "text", "decimal_places": 2}, "decimal_places", ["“money”"]),
    ({"type": "boolean", "max_length": 3}, "max_length", ["“tags”"]),
    ({"type": "text", "min": 1}, "min", ["“integer”"]),
    ({"type": "integer", "min": 1.5}, "min", ["a whole number"]),
    ({"type": "date", "max": "2026-02-30"}, "max", ["“2026-02-30”", "YYYY-MM-DD"]),
    ({"type": "datetime", "default": "2026-11-23T10:00:00"}, "default", ["offset"]),
    ({"type": "money", "default": {"amount": "12,50", "currency": "CNY"}}, "default.amount", ["12.50"]),
    ({"type": "multi_select", "options": [{"key": "a", "label": _label("甲", "A")}], "default": ["a", "a"]},
     "default", ["“a”", "more than once"]),
    ({"type": "text", "required": True, "required_when": {"field": "amount", "op": "gt", "value": 1}},
     "required_when", ["“required” is true"]),
    ({"type": "text", "label": {"zh-hans": "", "en": "X"}}, "label['zh-hans']", ["empty"]),
    ({"type": "text", "visible_to": ["boss"]}, "visible_to[0]", ["“boss”", "“admin”"]),
])
def test_field_rules_by_type(spec, path, words):
    with translation.override("en"):
        errors = structural_errors(_field(**spec))
    assert [error.path for error in errors] == [f"$.custom_fields.account[0].{path}"], errors
    for word in words:
        assert word in errors[0].message, errors[0].message


def test_a_valid_field_of_every_type_passes():
    samples = {
        "text": "ABC", "long_text": "a\nb", "integer": 3, "decimal": "1.50", "percent": 12.5,
        "money": {"amount": "12.50", "currency": "CNY"}, "date": "2026-11-23",
        "datetime": "2026-11-23T10:00:00+08:00", "boolean": False, "email": "a@example.com",
        "phone": "+8613812345678", "url": "https://example.com/x", "user": 1,
        "region": {"province": "广东省", "city": "深圳市", "district": ""}, "tags": ["vip"],
    }
    fields = [{"key": f"f_{kind}", "type": kind, "label": _label("甲", "A"), "default": value}
              for kind, value in samples.items()]
    fields.append({"key": "f_link", "type": "link", "link_entity": "product", "label": _label("甲", "A"), "default": 7})
    fields.append({"key": "f_select", "type": "select", "label": _label("甲", "A"), "default": "gold",
                   "options": [{"key": "gold", "label": _label("金", "Gold"), "color": "#d4a017"}]})
    assert structural_errors({"format": 1, "custom_fields": {"lead": fields}}) == []


@pytest.mark.parametrize(("condition", "path", "words"), [
    ({}, "", ["“all”", "“any”", "“not”", "“field” + “op”"]),
    ({"op": "eq", "value": 1}, ".field", ["“field”"]),
    ({"field": "amount", "op": "eq"}, ".value", ["“value” is required", "“eq”"]),
    ({"field": "amount", "op": "between", "value": [1]}, ".value", ["at least 2", "“between”"]),
    ({"field": "amount", "op": "gt", "value": [1]}, ".value", ["a number", "“gt”"]),
    ({"field": "Amount", "op": "is_empty"}, ".field", ["custom.budget_code"]),
    ({"any": []}, ".any", ["empty"]),
    ({"all": [{"field": "amount", "op": "changed"}], "not": {"field": "amount", "op": "changed"}}, "",
     ["none of the allowed forms"]),
    ({"not": {"field": "amount", "op": "in", "value": []}}, ".not.value", ["empty"]),
])
def test_condition_errors(condition, path, words):
    document = {"format": 1, "custom_fields": {"deal": [
        {"key": "x", "type": "text", "label": _label("甲", "X"), "required_when": condition}]}}
    with translation.override("en"):
        errors = structural_errors(document)
    assert [error.path for error in errors] == [f"$.custom_fields.deal[0].required_when{path}"], errors
    for word in words:
        assert word in errors[0].message, errors[0].message


def test_json_paths_quote_keys_that_are_not_names():
    assert json_path([]) == "$"
    assert json_path(["pipelines", 0, "label", "zh-hans"]) == "$.pipelines[0].label['zh-hans']"
    assert json_path(["plugins", "it's"]) == "$.plugins['it\\'s']"


def test_messages_are_translated_into_chinese():
    with translation.override("en"):
        english = structural_errors(copy.deepcopy(BROKEN))
    with translation.override("zh-hans"):
        chinese = structural_errors(copy.deepcopy(BROKEN))
    assert [error.path for error in chinese] == [error.path for error in english]
    for zh, en in zip(chinese, english, strict=True):
        assert zh.message != en.message, zh
        assert CJK.search(zh.message), zh
    found = _by_path(chinese)
    assert "“en”" in found["$.custom_fields.deal[0].label.en"][0]
    assert "“textt”" in found["$.custom_fields.deal[1].type"][0]
    assert "“options”" in found["$.custom_fields.deal[2].options"][0]
    assert "“select”" in found["$.custom_fields.deal[2].options"][0]
    assert "“colour”" in found["$.custom_fields.deal[3].colour"][0]
    assert "150" in found["$.pipelines[0].stages[1].probability"][0]
    assert "“like”" in found["$.pipelines[0].stages[1].entry_condition.all[0].op"][0]


@pytest.mark.parametrize("document", [
    [], {"format": 1, "pipelines": [{"key": "p", "label": _label("甲", "P"), "stages": []}]},
    {"format": 1, "plugins": {"x": {"enabled": True, "extra": 1}}},
    {"format": 1, "custom_fields": {"deal": [{"key": "x", "type": "integer", "label": _label("甲", "X"),
                                              "default": 1.5, "max_length": 300}]}},
    {"format": 1, "settings": {"time_zone": "Asia Shanghai", "default_currency": "CN"}},
])
def test_chinese_messages_for_other_problems(document):
    with translation.override("zh-hans"):
        errors = structural_errors(document)
    assert errors
    for error in errors:
        assert CJK.search(error.message), error
