"""The condition evaluator (core/customization/conditions.py): every operator by example, then random
records and random condition trees checked against a small reference written separately below.

No database is needed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.customization.conditions import OPS, depth, describe, evaluate, paths, record_resolver

CST = timezone(timedelta(hours=8))


def check(op: str, current: Any, value: Any = None, **extra: Any) -> bool:
    """Evaluate one comparison of `amount` (holding `current`) with `value`."""
    leaf: dict[str, Any] = {"field": "amount", "op": op}
    if op not in ("is_empty", "changed"):
        leaf["value"] = value
    return evaluate(leaf, lambda path: current if path == "amount" else None, **extra)


# --- eq / ne ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("current, value", [
    (1, 1), (1, 1.0), (1, "1.00"), (Decimal("1.00"), 1), (Decimal("2.5"), "2.50"), (2.5, Decimal("2.5")),
    (0.1, "0.1"), ("proposal", "proposal"), (True, True), (False, False),
    (date(2026, 11, 23), "2026-11-23"),
    (datetime(2026, 11, 23, 10, tzinfo=CST), "2026-11-23T02:00:00+00:00"),
    (datetime(2026, 11, 23, 2, tzinfo=UTC), "2026-11-23T02:00:00"),  # naive ISO is UTC
    ("12.50", 12.5),  # a raw JSON decimal against a number
])
def test_eq_coerces_the_condition_value_to_the_record_value_type(current, value):
    assert check("eq", current, value)
    assert not check("ne", current, value)


@pytest.mark.parametrize("current, value", [
    (1, 2), (1, "one"), (1, True), (True, 1), (True, "true"), ("Proposal", "proposal"), ("1.00", "1"),
    (date(2026, 11, 23), "2026-11-24"), (date(2026, 11, 23), "23/11/2026"), (date(2026, 11, 23), 20261123),
    (date(2026, 11, 23), "2026-11-23T00:00:00"), (datetime(2026, 11, 23, 10, tzinfo=CST), "2026-11-23T10:00:00"),
    (5, [5]), ("a", {"a": 1}), (Decimal("1"), float("nan")), (1, float("inf")), (1, "NaN"), (1, " 1"),
])
def test_eq_is_false_on_a_different_value_or_a_type_mismatch(current, value):
    assert not check("eq", current, value)
    assert check("ne", current, value)


@pytest.mark.parametrize("current", [None, "", [], {}])
def test_an_empty_record_value_equals_only_an_empty_condition_value(current):
    assert check("eq", current, None)
    assert check("eq", current, "")
    assert not check("eq", current, 0)
    assert not check("eq", current, "x")
    assert check("ne", current, 0)
    assert not check("ne", current, None)
    assert not check("eq", 0, None) and not check("eq", False, None)


# --- ordering -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("op, current, value, expected", [
    ("gt", 10, 9, True), ("gt", 10, 10, False), ("gte", 10, "10.00", True), ("lt", Decimal("9.99"), 10, True),
    ("lte", 10, 10.0, True), ("lte", 10.5, 10, False), ("gt", "12.50", 9, True),
    ("gt", date(2026, 11, 23), "2026-11-22", True), ("lt", date(2026, 11, 23), "2026-11-22", False),
    ("gt", datetime(2026, 11, 23, 10, tzinfo=CST), "2026-11-23T01:59:59Z", True),
    ("gt", "b", "a", True),  # text against text: alphabetical
])
def test_gt_gte_lt_lte(op, current, value, expected):
    assert check(op, current, value) is expected


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
@pytest.mark.parametrize("current, value", [
    (None, 1), ("", 1), ([], 1), ({}, 1), (1, None), (1, ""), (1, "abc"), ("abc", 1), (True, False),
    ([1, 2], 1), (date(2026, 1, 1), "garbage"), (date(2026, 1, 1), 1), ({"province": "广东"}, "广东"),
    (1, float("nan")), (1, [1]),
])
def test_ordering_is_false_when_empty_or_not_comparable(op, current, value):
    assert check(op, current, value) is False


def test_between_is_inclusive_and_false_when_empty_or_mismatched():
    assert check("between", 10, [10, 20]) and check("between", 20, [10, 20]) and check("between", 15, ["10", 20.0])
    assert not check("between", 9, [10, 20]) and not check("between", 21, [10, 20])
    assert not check("between", 15, [20, 10])  # low above high: nothing is between
    assert not check("between", None, [10, 20]) and not check("between", 15, [None, 20])
    assert not check("between", "x", [10, 20])
    assert check("between", date(2026, 11, 23), ["2026-11-01", "2026-11-30"])


# --- membership and text ----------------------------------------------------------------------------

def test_in_and_not_in():
    assert check("in", "proposal", ["qualify", "proposal"])
    assert not check("in", "won", ["qualify", "proposal"])
    assert check("in", 1, ["1.0", 7])
    assert check("in", ["vip", "new"], ["vip", "old"])  # a list value: any element
    assert not check("in", ["a", "b"], ["c"])
    assert not check("in", None, ["a"]) and check("in", None, ["a", None])
    assert check("not_in", "won", ["qualify", "proposal"])
    assert not check("not_in", ["vip"], ["vip"])
    assert check("not_in", None, ["a"]) and check("not_in", 1, ["one"])


def test_contains_is_a_case_insensitive_substring_or_list_membership():
    assert check("contains", "Beijing Trading Co.", "TRADING")
    assert check("contains", "北京关系科技", "关系")
    assert not check("contains", "Beijing", "shanghai")
    assert check("contains", ["vip", "new"], "vip") and not check("contains", ["vip"], "VIP")
    assert check("contains", [1, 2], "2")
    assert not check("contains", "A12", 12)  # a number is not text
    assert not check("contains", None, "a") and not check("contains", [], "a")
    assert not check("contains", "abc", "")
    assert not check("contains", 123, "2")


@pytest.mark.parametrize("current, expected", [
    (None, True), ("", True), ([], True), ({}, True), ((), True),
    (0, False), (False, False), (" ", False), ([None], False), ({"amount": "0"}, False),
])
def test_is_empty(current, expected):
    assert check("is_empty", current) is expected


# --- money, lists, regions -----------------------------------------------------------------------------

def test_money_compares_by_amount_with_a_number_or_money_in_the_same_currency():
    money = {"amount": "12.50", "currency": "CNY"}
    assert check("eq", money, 12.5) and check("eq", money, "12.5") and check("eq", money, Decimal("12.50"))
    assert check("gt", money, 12) and check("lte", money, "12.50") and check("between", money, [10, 20])
    assert check("lt", {"amount": Decimal("9.99"), "currency": "CNY"}, 10)
    assert check("eq", money, {"amount": "12.5", "currency": "CNY"})
    assert not check("eq", money, {"amount": "12.5", "currency": "USD"})
    assert not check("gt", money, {"amount": "1", "currency": "USD"})
    assert check("gt", money, {"amount": "1"})  # no currency: the amount alone
    assert not check("eq", money, "12.50 CNY") and not check("gt", money, "lots")
    assert not check("eq", {"amount": "abc", "currency": "CNY"}, 1)


def test_lists_are_equal_as_sets():
    assert check("eq", ["a", "b"], ["b", "a"])
    assert not check("eq", ["a", "b"], ["a"])
    assert not check("eq", ["a"], "a")  # a scalar is not a one-item list: use contains
    assert check("eq", [1, 2], ["2", "1.0"])


def test_regions_compare_whole():
    region = {"province": "广东", "city": "深圳", "district": ""}
    assert check("eq", region, {"province": "广东", "city": "深圳", "district": ""})
    assert not check("eq", region, {"province": "广东", "city": "广州", "district": ""})
    assert not check("eq", region, "广东")


# --- paths ---------------------------------------------------------------------------------------------

def test_record_resolver_reads_builtin_custom_and_account_paths():
    resolve = record_resolver({"amount": 5, "custom": {"budget_code": "BJ1"}},
                              {"industry": "retail", "custom": {"tier": "gold"}})
    assert resolve("amount") == 5 and resolve("custom.budget_code") == "BJ1"
    assert resolve("account.industry") == "retail" and resolve("account.custom.tier") == "gold"
    assert resolve("missing") is None and resolve("custom.missing") is None
    assert resolve("account.custom.missing") is None and resolve("account.missing") is None
    bare = record_resolver({"amount": 5, "custom": None})
    assert bare("custom.budget_code") is None and bare("account.industry") is None
    assert bare("account.custom.tier") is None


def test_conditions_on_account_and_custom_fields():
    resolve = record_resolver({"amount": 12000, "custom": {"budget_code": "BJ1", "tags": ["vip"]}},
                              {"industry": "retail", "custom": {"tier": "gold"}})
    condition = {"all": [
        {"field": "account.industry", "op": "in", "value": ["retail", "food"]},
        {"field": "account.custom.tier", "op": "eq", "value": "gold"},
        {"field": "custom.budget_code", "op": "contains", "value": "bj"},
        {"field": "custom.tags", "op": "contains", "value": "vip"},
    ]}
    assert evaluate(condition, resolve)
    no_account = record_resolver({"custom": {"budget_code": "BJ1"}})
    assert not evaluate(condition, no_account)
    assert evaluate({"field": "account.custom.tier", "op": "is_empty"}, no_account)


# --- changed / changed_to ------------------------------------------------------------------------------

def test_changed_on_create_means_a_value_was_given():
    assert check("changed", "proposal", previous=None)
    assert not check("changed", None, previous=None) and not check("changed", "", previous=None)
    assert check("changed_to", "proposal", "proposal", previous=None)
    assert not check("changed_to", "proposal", "won", previous=None)
    assert not check("changed_to", None, None, previous=None)


def test_changed_on_update_compares_with_the_previous_value():
    def before(value):
        return lambda path: value if path == "amount" else None

    assert check("changed", "won", previous=before("proposal"))
    assert not check("changed", "won", previous=before("won"))
    assert not check("changed", Decimal("1.00"), previous=before(1))  # the same amount
    assert not check("changed", None, previous=before(""))  # both empty
    assert check("changed", None, previous=before("x")) and check("changed", "x", previous=before(None))
    assert not check("changed", ["a", "b"], previous=before(["b", "a"]))
    assert check("changed", {"amount": "1", "currency": "CNY"}, previous=before({"amount": "1", "currency": "USD"}))
    assert check("changed_to", "won", "won", previous=before("proposal"))
    assert not check("changed_to", "won", "won", previous=before("won"))
    assert not check("changed_to", "lost", "won", previous=before("proposal"))


# --- all / any / not -------------------------------------------------------------------------------------

def test_all_any_not():
    yes = {"field": "amount", "op": "eq", "value": 1}
    no = {"field": "amount", "op": "eq", "value": 2}

    def run(condition):
        return evaluate(condition, lambda path: 1)

    assert run({"all": [yes, yes]}) and not run({"all": [yes, no]}) and not run({"all": [no]})
    assert run({"any": [no, yes]}) and not run({"any": [no, no]}) and run({"any": [yes]})
    assert run({"not": no}) and not run({"not": yes}) and run({"not": {"not": yes}})
    assert run({"all": [{"any": [no, yes]}, {"not": {"all": [yes, no]}}]})


def test_all_and_any_stop_at_the_first_child_that_settles_them():
    asked = []

    def resolve(path):
        asked.append(path)
        return 1

    evaluate({"any": [{"field": "amount", "op": "eq", "value": 1}, {"field": "stage", "op": "is_empty"}]}, resolve)
    evaluate({"all": [{"field": "amount", "op": "eq", "value": 2}, {"field": "stage", "op": "is_empty"}]}, resolve)
    assert asked == ["amount", "amount"]


def test_deep_trees_do_not_reach_the_recursion_limit():
    condition: dict[str, Any] = {"field": "amount", "op": "eq", "value": 1}
    for _ in range(3000):
        condition = {"not": {"all": [condition]}}
    assert evaluate(condition, lambda path: 1) is True
    assert depth(condition) == 6001
    assert paths(condition) == {"amount"}
    assert describe(condition, str).startswith("not (not (")


@pytest.mark.parametrize("condition", [
    None, [], "amount", {}, {"all": []}, {"any": {}}, {"all": [{"field": "amount", "op": "eq", "value": 1}, 5]},
    {"not": None}, {"nor": []}, {"all": [], "any": []},
    {"field": "amount", "op": "eq"}, {"field": "amount", "op": "like", "value": 1}, {"field": "Amount", "op": "is_empty"},
    {"field": "amount", "op": ["eq"], "value": 1}, {"field": "custom.x.y", "op": "is_empty"},
    {"field": "amount\n", "op": "is_empty"}, {"op": "is_empty"}, {"field": "amount", "op": "is_empty", "value": None},
    {"field": "amount", "op": "changed", "value": 1}, {"field": "amount", "op": "in", "value": []},
    {"field": "amount", "op": "in", "value": "a"}, {"field": "amount", "op": "between", "value": [1]},
    {"field": "amount", "op": "between", "value": 1}, {"field": "amount", "op": "eq", "value": 1, "extra": 1},
    # malformed deep in a branch that evaluation would never reach
    {"any": [{"field": "amount", "op": "is_empty"}, {"field": "amount", "op": "bogus", "value": 1}]},
])
def test_malformed_trees_raise_value_error(condition):
    with pytest.raises(ValueError):
        evaluate(condition, lambda path: None)


def test_a_tree_that_contains_itself_is_malformed():
    condition: dict[str, Any] = {"all": [{"field": "amount", "op": "is_empty"}]}
    condition["all"].append(condition)
    with pytest.raises(ValueError):
        evaluate(condition, lambda path: None)
    with pytest.raises(ValueError):
        depth(condition)
    shared = {"field": "amount", "op": "is_empty"}
    assert evaluate({"all": [shared, {"not": {"not": shared}}]}, lambda path: None)  # shared, not cyclic


# --- paths / depth / describe ------------------------------------------------------------------------------

GATE = {"all": [
    {"field": "amount", "op": "gte", "value": 10000},
    {"field": "stage", "op": "eq", "value": "proposal"},
]}
LABELS = {
    "en": {"amount": "Amount", "stage": "Stage", "custom.tags": "Tags", "account.custom.tier": "Tier",
           "close_date": "Close date", "won": "Won", "custom.region": "Region"},
    "zh-hans": {"amount": "金额", "stage": "阶段", "custom.tags": "标签", "account.custom.tier": "客户等级",
                "close_date": "成交日期", "won": "赢单", "custom.region": "地区"},
}
STAGES = {"en": {"proposal": "Proposal", "won": "Won"}, "zh-hans": {"proposal": "方案报价", "won": "赢单"}}


def test_paths_and_depth():
    condition = {"any": [GATE, {"not": {"field": "account.custom.tier", "op": "in", "value": ["gold"]}},
                         {"field": "custom.tags", "op": "contains", "value": "vip"}]}
    assert paths(condition) == {"amount", "stage", "account.custom.tier", "custom.tags"}
    assert depth({"field": "amount", "op": "is_empty"}) == 1
    assert depth(GATE) == 2 and depth(condition) == 3


def describe_in(language: str, condition: dict[str, Any]) -> str:
    def value_label(path, value):
        return STAGES[language].get(value) if path == "stage" else None

    with translation.override(language):
        return describe(condition, LABELS[language].__getitem__, value_label)


MIXED = {"any": [GATE, {"not": {"field": "custom.tags", "op": "contains", "value": "vip"}}]}
LEAVES = [
    {"field": "stage", "op": "in", "value": ["proposal", "won"]},
    {"field": "stage", "op": "not_in", "value": ["won"]},
    {"field": "amount", "op": "between", "value": [1000, 2000.0]},
    {"field": "custom.tags", "op": "is_empty"},
    {"field": "custom.tags", "op": "ne", "value": None},
    {"field": "stage", "op": "changed"},
    {"field": "stage", "op": "changed_to", "value": "won"},
    {"field": "won", "op": "eq", "value": True},
    {"field": "amount", "op": "lt", "value": {"amount": "5.00", "currency": "CNY"}},
    {"field": "close_date", "op": "lte", "value": "2026-12-31"},
    {"field": "custom.region", "op": "eq", "value": {"province": "广东", "city": "深圳", "district": ""}},
    {"field": "stage", "op": "in", "value": [None, "won"]},
]


def test_describe_in_english():
    assert describe_in("en", GATE) == "Amount ≥ 10000 and Stage = Proposal"
    assert describe_in("en", MIXED) == "(Amount ≥ 10000 and Stage = Proposal) or not (Tags contains vip)"
    assert describe_in("en", {"all": [MIXED, {"field": "amount", "op": "ne", "value": 3}]}) == (
        "((Amount ≥ 10000 and Stage = Proposal) or not (Tags contains vip)) and Amount ≠ 3")
    assert [describe_in("en", leaf) for leaf in LEAVES] == [
        "Stage is one of Proposal, Won",
        "Stage is none of Won",
        "Amount is between 1000 and 2000",
        "Tags is empty",
        "Tags is not empty",
        "Stage has changed",
        "Stage has changed to Won",
        "Won = yes",
        "Amount < 5.00 CNY",
        "Close date ≤ 2026-12-31",
        "Region = 广东 深圳",
        "Stage is one of empty, Won",
    ]


def test_describe_in_chinese():
    assert describe_in("zh-hans", GATE) == "金额 ≥ 10000 且 阶段 = 方案报价"
    assert describe_in("zh-hans", MIXED) == "（金额 ≥ 10000 且 阶段 = 方案报价） 或 非（标签 包含 vip）"
    assert [describe_in("zh-hans", leaf) for leaf in LEAVES] == [
        "阶段 为 方案报价、赢单 之一",
        "阶段 不是 赢单 中的任何一个",
        "金额 介于 1000 和 2000 之间",
        "标签 为空",
        "标签 不为空",
        "阶段 已更改",
        "阶段 已更改为 赢单",
        "赢单 = 是",
        "金额 < 5.00 CNY",
        "成交日期 ≤ 2026-12-31",
        "地区 = 广东 深圳",
        "阶段 为 空、赢单 之一",
    ]


# --- random records and conditions against a reference ----------------------------------------------------
#
# The reference below reads each condition value in every way it can be read (text, number, date,
# date-time, money) and each record value in exactly one way, its own type; a comparison picks the
# condition's reading of the record's kind. It shares no code with the evaluator.

NUMERIC_CHARACTERS = set("0123456789+-.eE")


def ref_empty(value: Any) -> bool:
    return value is None or value in ("", [], {}, ())


def ref_number(value: Any) -> Decimal | None:
    if type(value) in (int, Decimal):
        return Decimal(value)
    text = repr(value) if type(value) is float else value
    if type(text) is not str or not text or not set(text) <= NUMERIC_CHARACTERS:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def ref_instant(value: Any) -> datetime | None:
    """A date-time as naive UTC; naive input is UTC already."""
    if type(value) is str:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if type(value) is not datetime:
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def ref_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def readings(value: Any) -> dict[str, Any]:
    """Every kind a condition value (or a previous record value) can stand for, canonical."""
    found: dict[str, Any] = {}
    if type(value) is bool:
        found["bool"] = value
    elif type(value) in (int, float, Decimal):
        found["number"] = ref_number(value)
    elif type(value) is str:
        found["text"] = value
        found["number"] = ref_number(value)
        found["instant"] = ref_instant(value)
        found["day"] = ref_day(value)
    elif type(value) is dict and "amount" in value:
        found["money"] = (ref_number(value["amount"]), value.get("currency"))
    elif type(value) is datetime:  # previous record values, for changed
        found["instant"] = ref_instant(value)
    elif type(value) is date:
        found["day"] = value
    return {kind: canonical for kind, canonical in found.items() if canonical is not None}


def kind_of(value: Any) -> tuple[str, Any]:
    """The one kind of a record value, with its canonical form."""
    if type(value) is bool:
        return "bool", value
    if type(value) in (int, float, Decimal):
        return "number", ref_number(value)
    if type(value) is datetime:
        return "instant", ref_instant(value)
    if type(value) is date:
        return "day", value
    if type(value) is str:
        return "text", value
    if type(value) is dict and "amount" in value:
        return "money", (ref_number(value["amount"]), value.get("currency"))
    return "other", value


def ref_pair(current: Any, wanted: Any) -> tuple[Any, Any] | None:
    kind, mine = kind_of(current)
    theirs = readings(wanted)
    is_number = type(wanted) in (int, float, Decimal)
    if kind == "text" and is_number:
        kind, mine = "number", ref_number(current)
    if kind == "money":
        amount, currency = mine
        if "money" in theirs:
            other_amount, other_currency = theirs["money"]
            if currency and other_currency and currency != other_currency:
                return None
            theirs = {"money": other_amount}
        elif "number" in theirs:
            theirs = {"money": theirs["number"]}
        mine = amount
    if mine is None or kind not in theirs:
        return None
    return mine, theirs[kind]


def ref_eq(current: Any, wanted: Any) -> bool:
    if ref_empty(current) or ref_empty(wanted):
        return ref_empty(current) and ref_empty(wanted)
    if type(current) is list:
        return (type(wanted) is list and all(any(ref_eq(a, b) for b in wanted) for a in current)
                and all(any(ref_eq(a, b) for a in current) for b in wanted))
    if type(current) is dict and "amount" not in current:
        return current == wanted
    pair = ref_pair(current, wanted)
    return pair is not None and pair[0] == pair[1]


def ref_ordered(current: Any, wanted: Any) -> tuple[Any, Any] | None:
    if ref_empty(current) or ref_empty(wanted) or type(current) is list or type(current) is bool:
        return None
    return ref_pair(current, wanted)


def ref_leaf(leaf: dict[str, Any], record: dict[str, Any], before: dict[str, Any] | None) -> bool:
    current, op, wanted = record.get(leaf["field"]), leaf["op"], leaf.get("value")
    if op in ("gt", "gte", "lt", "lte"):
        pair = ref_ordered(current, wanted)
        if pair is None:
            return False
        low, high = pair
        return {"gt": low > high, "gte": low >= high, "lt": low < high, "lte": low <= high}[op]
    if op == "between":
        low, high = ref_ordered(current, wanted[0]), ref_ordered(current, wanted[1])
        return low is not None and high is not None and low[1] <= low[0] and high[0] <= high[1]
    if op in ("in", "not_in"):
        values = current if type(current) is list and current else [current]
        found = any(ref_eq(value, choice) for value in values for choice in wanted)
        return found if op == "in" else not found
    if op == "contains":
        if ref_empty(current) or ref_empty(wanted):
            return False
        if type(current) is str:
            return type(wanted) is str and wanted.lower() in current.lower()
        return type(current) is list and any(ref_eq(item, wanted) for item in current)
    if op == "is_empty":
        return ref_empty(current)
    if op in ("changed", "changed_to"):
        changed = not ref_empty(current) if before is None else not ref_eq(current, before.get(leaf["field"]))
        return changed and (op == "changed" or ref_eq(current, wanted))
    return ref_eq(current, wanted) == (op == "eq")


def ref_evaluate(condition: dict[str, Any], record: dict[str, Any], before: dict[str, Any] | None) -> bool:
    if "all" in condition:
        return all(ref_evaluate(child, record, before) for child in condition["all"])
    if "any" in condition:
        return any(ref_evaluate(child, record, before) for child in condition["any"])
    if "not" in condition:
        return not ref_evaluate(condition["not"], record, before)
    return ref_leaf(condition, record, before)


def ref_paths(condition: dict[str, Any]) -> list[str]:
    children = condition.get("all") or condition.get("any") or ([condition["not"]] if "not" in condition else [])
    return [path for child in children for path in ref_paths(child)] if children else [condition["field"]]


FIELDS = ["amount", "stage", "close_date", "custom.tags", "custom.budget", "account.name", "account.custom.tier"]

small_text = st.text(alphabet="aBcD1.0e -关", max_size=5)
numeric_text = st.sampled_from(["1", "1.00", "2.5", "-0", "1e1", ".5", "1.", "+2", "0.1", "1e", "abc", "١"])
days = st.dates(date(2026, 1, 1), date(2026, 1, 4))
instants = st.builds(lambda day, hour, zone: datetime(2026, 1, day, hour, tzinfo=zone),
                     st.integers(1, 3), st.sampled_from([0, 8, 16]), st.sampled_from([UTC, CST]))
money = st.builds(lambda amount, currency: {"amount": amount, "currency": currency},
                  st.sampled_from(["1.00", "2.5", "-1", "3", 2]), st.sampled_from(["CNY", "USD"]))
region = st.sampled_from([{"province": "广东", "city": "深圳", "district": ""}, {"province": "北京", "city": "", "district": ""}])

empties = st.sampled_from([None, "", [], {}])
record_scalars = st.one_of(
    empties, st.booleans(), st.integers(-3, 3),
    st.sampled_from([Decimal("1.00"), Decimal("2.5"), Decimal("-0"), Decimal("1E+1"), Decimal("0.1")]),
    st.sampled_from([1.0, 2.5, 0.1, 1.1]), small_text, numeric_text, days, instants, days.map(date.isoformat),
)
record_values = st.one_of(
    record_scalars, money, region,
    st.lists(st.one_of(small_text, numeric_text, st.integers(-2, 2)), max_size=3),
)
records = st.fixed_dictionaries({field: record_values for field in FIELDS})

condition_scalars = st.one_of(
    empties, st.booleans(), st.integers(-3, 3), st.sampled_from([1.0, 2.5, -0.0, 10.0, 0.1, 1.1, 1e-05]),
    small_text, numeric_text, days.map(date.isoformat),
    instants.map(datetime.isoformat), instants.map(lambda moment: moment.replace(tzinfo=None).isoformat()),
)
condition_values = st.one_of(
    condition_scalars, money, st.fixed_dictionaries({"amount": st.sampled_from(["1", "2.50"])}), region,
    st.lists(st.one_of(small_text, numeric_text, st.integers(-2, 2)), max_size=3),
)


def related(value: Any, *, json: bool = True) -> st.SearchStrategy[Any]:
    """Values near a record value: itself in another spelling, a neighbour, a part of it.

    Condition values are JSON; previous record values (json=False) may be the value itself.
    """
    as_is = not json or type(value) not in (Decimal, date, datetime)
    near: list[st.SearchStrategy[Any]] = [st.just(value)] if as_is else []
    if type(value) is bool:
        near.append(st.just(not value))
    elif type(value) in (int, float, Decimal):
        near += [st.just(str(value)), st.just(float(value)), st.just(str(value + 1)), st.just(float(value) - 0.5)]
    elif type(value) is datetime:
        near += [st.just(value.isoformat()), st.just(value.astimezone(CST).isoformat()),
                 st.just(value.astimezone(UTC).replace(tzinfo=None).isoformat()),
                 st.just((value + timedelta(hours=1)).isoformat()), st.just(value.date().isoformat())]
    elif type(value) is date:
        near += [st.just(value.isoformat()), st.just((value - timedelta(days=1)).isoformat())]
    elif type(value) is str:
        near += [st.just(value.upper()), st.just(value.lower()), st.just(value[1:].swapcase()),
                 st.tuples(st.integers(0, len(value)), st.integers(0, len(value))).map(
                     lambda span: value[span[0]:span[1]])]
    elif type(value) is dict and "amount" in value:
        near += [st.just(value["amount"]), st.just({"amount": value["amount"], "currency": "USD" if value.get("currency") == "CNY" else "CNY"}),
                 st.just({"amount": value["amount"]})]
    elif type(value) is list and value:
        near += [st.sampled_from(value), st.just(value[::-1]), st.just([*value, "x"])]
    return st.one_of(near)


@st.composite
def leaves(draw: st.DrawFn, record: dict[str, Any] | None = None, ops: frozenset[str] = OPS) -> dict[str, Any]:
    """A random comparison; given a record, its value is often related to the record's value."""
    fields = FIELDS if record is None else sorted(record)
    leaf: dict[str, Any] = {"field": draw(st.sampled_from(fields)), "op": draw(st.sampled_from(sorted(ops)))}
    scalars, values = condition_scalars, condition_values
    if record is not None:
        # one_of would flatten `near` into the many other branches: pick it two times in three
        near = related(record.get(leaf["field"]))
        scalars = st.integers(0, 2).flatmap(lambda pick, plain=scalars: near if pick else plain)
        values = st.integers(0, 2).flatmap(lambda pick, plain=values: near if pick else plain)
    if leaf["op"] in ("in", "not_in"):
        leaf["value"] = draw(st.lists(scalars, min_size=1, max_size=3))
    elif leaf["op"] == "between":
        leaf["value"] = draw(st.lists(scalars, min_size=2, max_size=2))
    elif leaf["op"] not in ("is_empty", "changed"):
        leaf["value"] = draw(values)
    return leaf


def conditions(record: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaves(record),
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda items: {"all": items}),
            st.lists(children, min_size=1, max_size=3).map(lambda items: {"any": items}),
            children.map(lambda child: {"not": child}),
        ),
        max_leaves=8,
    )


def nested(flat: dict[str, Any]) -> Any:
    """The flat record as record_resolver takes it: built-ins, "custom", and the account's."""
    values: dict[str, Any] = {"custom": {}}
    account: dict[str, Any] = {"custom": {}}
    for path, value in flat.items():
        target = values
        if path.startswith("account."):
            target, path = account, path.removeprefix("account.")
        if path.startswith("custom."):
            target, path = target["custom"], path.removeprefix("custom.")
        target[path] = value
    return record_resolver(values, account)


PROPERTIES = settings(max_examples=200, deadline=None, database=None)


@PROPERTIES
@given(data=st.data(), record=records)
def test_evaluate_agrees_with_the_reference(data, record):
    condition = data.draw(conditions(record), label="condition")
    before = data.draw(st.none() | st.just(record) | records, label="before")
    previous = None if before is None else nested(before)
    assert evaluate(condition, nested(record), previous) is ref_evaluate(condition, record, before)


@pytest.mark.parametrize("op", sorted(OPS))
@settings(max_examples=60, deadline=None, database=None)
@given(data=st.data(), field=st.sampled_from(FIELDS), current=record_values)
def test_each_operator_agrees_with_the_reference(op, data, field, current):
    record = {field: current}
    leaf = data.draw(leaves(record, frozenset({op})), label="leaf")
    before = data.draw(st.sampled_from([None, related(current, json=False), record_values]).flatmap(
        lambda source: st.none() if source is None else source), label="before")
    previous = None if before is None else {leaf["field"]: before}
    expected = ref_leaf(leaf, record, previous)
    resolve, earlier = record.get, None if previous is None else previous.get
    assert evaluate(leaf, resolve, earlier) is expected
    assert evaluate({"not": leaf}, resolve, earlier) is not expected


@PROPERTIES
@given(condition=conditions())
def test_paths_depth_and_describe_on_random_trees(condition):
    assert paths(condition) == set(ref_paths(condition))

    def ref_depth(node):
        children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
        return 1 + max(map(ref_depth, children)) if children else 1

    assert depth(condition) == ref_depth(condition)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert describe(condition, str)
