"""Admin-written configuration cannot make the application slow or accept keys it should not.

Custom field patterns run on RE2 (linear time): a pattern that backtracks exponentially in Python's
`re` answers at once, and one RE2 cannot run (backreferences, lookaround) is refused when saved, at
its JSON path. Documents are bounded in size, depth and list lengths before validation. Keys never
end in a newline (Python's `$` matches before one).
"""

from __future__ import annotations

import copy
import re

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from core.customization.current import default_document
from core.customization.forms import safe_color
from core.customization.models import ConfigVersion
from core.customization.schema import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_DEPTH,
    PATTERN_HINTS,
    limit_errors,
    structural_errors,
)
from core.records.models import Deal
from tests.records.conftest import api_for

LABEL = {"zh-hans": "编号", "en": "Code"}
EVIL = "^(a+)+$"


def put(api, document, version=0):
    return api.put("/api/v1/config", {"document": document}, format="json", HTTP_IF_MATCH=f'"{version}"')


def current(api):
    response = api.get("/api/v1/config")
    return response.json()["version"], response.json()["document"]


def with_deal_fields(api, *fields):
    version, document = current(api)
    document = copy.deepcopy(document)
    document["custom_fields"] = {"deal": list(fields)}
    return version, document


def refused(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {f["path"]: f["message"] for f in response.json()["error"]["fields"]}


def no_version_saved(alpha) -> bool:
    with schema_context(alpha.schema_name):
        return not ConfigVersion.objects.exists()


# --- patterns run on RE2 ----------------------------------------------------------------------------

def test_a_catastrophic_pattern_checks_a_50k_value_at_once(team, alpha):
    """`^(a+)+$` against 50 000 a's and a b would backtrack for ages in `re`; RE2 answers directly."""
    owner = api_for(team.owner)
    field = {"key": "code", "type": "long_text", "label": LABEL, "max_length": 60000,
             "regex": {"pattern": EVIL, "message": {"zh-hans": "只能是字母 a", "en": "Only the letter a"}}}
    version, document = with_deal_fields(owner, field)
    assert put(owner, document, version).status_code == 200
    api = api_for(team.member)
    account = api.post("/api/v1/accounts", {"name": "正则测试公司"}, format="json").json()["id"]
    response = api.post("/api/v1/deals", {"name": "D", "account": account, "custom": {"code": "a" * 50000 + "b"}},
                        format="json")
    assert refused(response) == {"custom.code": "编号：只能是字母 a"}
    with schema_context(alpha.schema_name):
        assert not Deal.objects.filter(name="D").exists()
    matching = api.post("/api/v1/deals", {"name": "E", "account": account, "custom": {"code": "a" * 50000}},
                        format="json")
    assert matching.status_code == 201, matching.content
    assert len(matching.json()["custom"]["code"]) == 50000


@pytest.mark.parametrize(("pattern", "detail"), [
    ("^(a)\\1$", "invalid escape sequence: \\1"),
    ("^(?=.*\\d)[a-z0-9]+$", "invalid perl operator: (?="),
    ("^[a-z]+(?<!x)$", "invalid perl operator: (?<!"),
])
def test_a_pattern_re2_cannot_run_is_refused_at_save_by_its_path(team, alpha, pattern, detail):
    owner = api_for(team.owner)
    field = {"key": "code", "type": "text", "label": LABEL, "regex": {"pattern": pattern, "message": LABEL}}
    version, document = with_deal_fields(owner, field)
    errors = refused(put(owner, document, version))
    assert list(errors) == ["$.custom_fields.deal[0].regex.pattern"]
    # alpha speaks Chinese; RE2's own words stay as they are, in the message
    assert errors["$.custom_fields.deal[0].regex.pattern"] == (
        f"无法使用此正则表达式（{detail}）。模式采用 RE2 语法：不支持 \\1 这样的反向引用，也不支持 (?=…) 或 (?<!…) "
        "这样的前瞻或后顾断言；请检查括号和转义。")
    assert no_version_saved(alpha)
    dry = owner.post("/api/v1/config/validate", {"document": document}, format="json").json()
    assert [e["path"] for e in dry["errors"]] == ["$.custom_fields.deal[0].regex.pattern"]


def test_the_pattern_error_is_in_english_for_an_english_admin():
    document = {"format": 1, "custom_fields": {"deal": [
        {"key": "code", "type": "text", "label": LABEL, "regex": {"pattern": "(a)\\1", "message": LABEL}}]}}
    with translation.override("en"):
        [error] = structural_errors(document)
    assert error.path == "$.custom_fields.deal[0].regex.pattern"
    assert error.message == (
        "This regular expression cannot be used (invalid escape sequence: \\1). Patterns are RE2 expressions: "
        "no backreferences such as \\1 and no lookahead or lookbehind such as (?=…) or (?<!…); check brackets "
        "and escapes.")


# --- keys match the whole string ----------------------------------------------------------------------

@pytest.mark.parametrize(("change", "path", "value"), [
    (lambda d: d["custom_fields"].setdefault("deal", []).append({"key": "budget\n", "type": "text", "label": LABEL}),
     "$.custom_fields.deal[0].key", "budget\n"),
    (lambda d: d["pipelines"][0].update(key="sales\n"), "$.pipelines[0].key", "sales\n"),
    (lambda d: d["pipelines"][0]["stages"][0].update(key="lead\n"), "$.pipelines[0].stages[0].key", "lead\n"),
    (lambda d: d.setdefault("settings", {}).update(default_currency="CNY\n"), "$.settings.default_currency",
     "CNY\n"),
    (lambda d: d.setdefault("plugins", {}).update({"wecom\n": {"enabled": True}}), "$.plugins['wecom\n']",
     "wecom\n"),
])
def test_a_key_with_a_trailing_newline_is_refused_through_the_api(team, alpha, change, path, value):
    owner = api_for(team.owner)
    version, document = current(owner)
    document = copy.deepcopy(document)
    change(document)
    errors = refused(put(owner, document, version))
    assert list(errors) == [path]
    assert errors[path].startswith(f"“{value}” 的格式不正确。"), errors[path]
    assert no_version_saved(alpha)


EXAMPLES = {  # one valid value for each pattern of the schemas
    "^[a-z][a-z0-9_]{0,39}$(?!\\n)": "budget_code",
    "^[a-z][a-z0-9_]{0,49}$(?!\\n)": "new_business",
    "^[a-z0-9][a-z0-9_-]{0,39}$(?!\\n)": "gold",
    "^#[0-9a-fA-F]{6}$(?!\\n)": "#3b82f6",
    "^[A-Z]{3}$(?!\\n)": "CNY",
    "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$(?!\\n)": "Asia/Shanghai",
    "^(account\\.)?(custom\\.)?[a-z][a-z0-9_]{0,49}$(?!\\n)": "account.custom.segment",
    "^([a-z][a-z0-9_]{0,49}|custom\\.[a-z][a-z0-9_]{0,39})$(?!\\n)": "custom.budget_code",
    "^[^\\r\\n]*$(?!\\n)": "one line",
    "^-?[0-9]+(\\.[0-9]+)?$(?!\\n)": "12.50",
    "^\\+[1-9][0-9]{4,14}$(?!\\n)": "+8613812345678",
    "^https?://[^\\s/$.?#][^\\s]*$(?!\\n)": "https://example.com/a",
    "^[A-Za-z][A-Za-z0-9_.-]{0,99}$(?!\\n)": "wecom",
}


def test_no_schema_pattern_accepts_a_trailing_newline():
    """jsonschema checks `pattern` with Python's re.search, whose `$` also matches before a final newline."""
    assert EXAMPLES.keys() == PATTERN_HINTS.keys()
    for pattern, example in EXAMPLES.items():
        assert re.search(pattern, example), pattern
        assert not re.search(pattern, example + "\n"), pattern


def test_python_checks_of_keys_refuse_a_trailing_newline():
    from tenants.addresses import PATTERN

    assert safe_color("#3b82f6") == "#3b82f6"
    assert safe_color("#3b82f6\n") == ""
    assert PATTERN.fullmatch("acme") and not PATTERN.fullmatch("acme\n")


# --- bounded documents --------------------------------------------------------------------------------

def _stage(key: str, kind: str) -> dict:
    return {"key": key, "label": LABEL, "kind": kind, "probability": 50}


def _fields(n: int) -> list[dict]:
    return [{"key": f"f{index}", "type": "text", "label": LABEL} for index in range(n)]


def test_a_document_over_the_size_limit_gets_one_error_and_no_further_checks():
    document = {"format": 1, "settings": {"note": "关" * (MAX_DOCUMENT_BYTES // 3)}}  # 3 bytes each in UTF-8
    size = len('{"format":1,"settings":{"note":""}}') + MAX_DOCUMENT_BYTES // 3 * 3
    assert size > MAX_DOCUMENT_BYTES
    with translation.override("en"):
        assert [(e.path, e.message) for e in structural_errors(document)] == [(
            "$", f"The configuration is {size:,} bytes long; at most {MAX_DOCUMENT_BYTES:,} "
                 "bytes are allowed. Remove fields, options or pipelines you no longer need.")]
    assert limit_errors({"format": 1, "settings": {"note": "关" * (MAX_DOCUMENT_BYTES // 3 - 20)}}) == []


def test_a_document_nested_too_deep_is_refused_before_the_schemas_run():
    deep: dict = {"field": "amount", "op": "gt", "value": 1}
    for _level in range(5000):  # jsonschema would recurse once per level
        deep = {"not": deep}
    document = {"format": 1, "pipelines": [{"key": "p", "stages": [{"key": "s", "entry_condition": deep}]}]}
    with translation.override("en"):
        assert [(e.path, e.message) for e in limit_errors(document)] == [(
            "$", f"The configuration is nested more than {MAX_DOCUMENT_DEPTH} levels deep. Flatten it; "
                 "conditions, for example, nest at most 10 levels.")]


def test_conditions_deeper_than_ten_levels_fit_the_depth_limit_and_get_their_own_error():
    from core.customization.semantic import document_errors

    deep: dict = {"field": "amount", "op": "gt", "value": 1}
    for _level in range(11):
        deep = {"all": [deep]}
    document = default_document()
    document["pipelines"][0]["stages"][1]["entry_condition"] = deep
    assert limit_errors(document) == []
    with translation.override("en"):
        errors = [(e.path, e.message) for e in structural_errors(document) + document_errors(document)]
    assert errors == [("$.pipelines[0].stages[1].entry_condition", "Conditions can be nested at most 10 levels deep.")]


@pytest.mark.parametrize(("document", "path", "limit", "count"), [
    ({"format": 1, "custom_fields": {"deal": _fields(301)}}, "$.custom_fields.deal", 300, 301),
    ({"format": 1, "custom_fields": {"deal": [{"key": "tier", "type": "select", "label": LABEL, "options": [
        {"key": f"o{index}", "label": LABEL} for index in range(501)]}]}}, "$.custom_fields.deal[0].options", 500, 501),
    ({"format": 1, "pipelines": [{"key": f"p{index}", "label": LABEL, "stages": [
        _stage("w", "won"), _stage("l", "lost")]} for index in range(21)]}, "$.pipelines", 20, 21),
    ({"format": 1, "pipelines": [{"key": "p", "label": LABEL, "stages": [
        _stage(f"s{index}", "open") for index in range(31)]}]},
     "$.pipelines[0].stages", 30, 31),
    ({"format": 1, "automations": [{"key": f"a{index}"} for index in range(201)]}, "$.automations", 200, 201),
    ({"format": 1, "approval_workflows": [{"key": f"a{index}"} for index in range(101)]},
     "$.approval_workflows", 100, 101),
])
def test_every_list_of_the_document_has_a_limit_named_in_its_error(document, path, limit, count):
    with translation.override("en"):
        errors = [(e.path, e.message) for e in structural_errors(document)]
    assert errors == [(path, f"This list allows at most {limit} items; it has {count}. Remove some.")]


def test_plugins_are_limited_too():
    document = {"format": 1, "plugins": {f"p{index}": {"enabled": False} for index in range(101)}}
    with translation.override("en"):
        assert [(e.path, e.message) for e in structural_errors(document)] == [
            ("$.plugins", "This object allows at most 100 keys. Remove some.")]
