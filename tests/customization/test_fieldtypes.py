"""Custom field values: cleaning per type, display, masking, type changes, and one entity's compiled fields.

Pure Python, no database: uniqueness and user/link existence are the caller's to check.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.customization.compiled import CompiledFields, TypeChangeCheck, compile_fields
from core.customization.fieldtypes import (
    FIELD_TYPES,
    MASK,
    FieldContext,
    FieldSpecError,
    FieldValueError,
    field_type,
)

OPTIONS = [
    {"key": "gold", "label": {"zh-hans": "金牌", "en": "Gold"}, "color": "#d4a017"},
    {"key": "silver", "label": {"zh-hans": "银牌", "en": "Silver"}},
]
REGEX = {"pattern": r"^[A-Z]{2}\d+$",
         "message": {"zh-hans": "请输入两个大写字母加数字，例如 AB12。", "en": "Use two capital letters and digits, like AB12."}}


def spec(kind: str, key: str = "f", **extra) -> dict:
    return {"key": key, "type": kind, "label": {"zh-hans": "字段", "en": "Field"}, **extra}


def kind(type_name: str, **extra):
    return field_type(spec(type_name, **extra))


def failure(field, raw, language: str = "en") -> str:
    with translation.override(language), pytest.raises(FieldValueError) as caught:
        field.clean(raw)
    return caught.value.message


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- clean: valid values, per type ------------------------------------------------------------------

VALID = [
    ("text", {}, "  Hello  ", "Hello"),
    ("text", {"max_length": 5}, "abcde", "abcde"),
    ("text", {"regex": REGEX}, "AB12", "AB12"),
    ("long_text", {}, "line one\nline two", "line one\nline two"),
    ("integer", {}, 12, 12),
    ("integer", {}, "-3", -3),
    ("integer", {}, "1,200", 1200),
    ("integer", {}, "１２", 12),
    ("integer", {}, 12.0, 12),
    ("integer", {"min": 0, "max": 100}, 100, 100),
    ("decimal", {}, "12.5", "12.50"),
    ("decimal", {}, 3, "3.00"),
    ("decimal", {}, 0.1, "0.10"),
    ("decimal", {}, "12.500", "12.50"),
    ("decimal", {"decimal_places": 3}, Decimal("1.234"), "1.234"),
    ("decimal", {"decimal_places": 0}, "7", "7"),
    ("money", {}, {"amount": "12.5", "currency": "usd"}, {"amount": "12.50", "currency": "USD"}),
    ("money", {}, {"amount": 8}, {"amount": "8.00", "currency": "CNY"}),
    ("money", {}, "8", {"amount": "8.00", "currency": "CNY"}),
    ("money", {}, {"amount": "", "currency": "CNY"}, None),
    ("percent", {}, "12.5", "12.50"),
    ("percent", {"decimal_places": 1}, 100, "100.0"),
    ("percent", {"max": 200}, "150", "150.00"),
    ("date", {}, "2026-11-23", "2026-11-23"),
    ("date", {}, dt.date(2026, 11, 23), "2026-11-23"),
    ("date", {"min": "2026-01-01", "max": "2026-12-31"}, "2026-01-01", "2026-01-01"),
    ("datetime", {}, "2026-11-23 10:00", "2026-11-23T10:00:00+08:00"),
    ("datetime", {}, "2026-11-23T02:00:00Z", "2026-11-23T10:00:00+08:00"),
    ("datetime", {}, dt.datetime(2026, 11, 23, 2, 0, 30, 500, tzinfo=dt.UTC), "2026-11-23T10:00:30+08:00"),
    ("boolean", {}, True, True),
    ("boolean", {}, False, False),
    ("boolean", {}, "yes", True),
    ("boolean", {}, "否", False),
    ("boolean", {}, 0, False),
    ("select", {"options": OPTIONS}, "gold", "gold"),
    ("multi_select", {"options": OPTIONS}, ["silver", "gold", "gold"], ["gold", "silver"]),
    ("email", {}, " Zhang.San@Example.COM ", "zhang.san@example.com"),
    ("phone", {}, "138 1234 5678", "+8613812345678"),
    ("phone", {}, "+86 21 1234 5678", "+862112345678"),
    ("phone", {"max_length": 11}, "13812345678", "+8613812345678"),
    ("url", {}, "example.com/about", "https://example.com/about"),
    ("url", {}, "http://example.cn", "http://example.cn"),
    ("user", {}, 5, 5),
    ("user", {}, "7", 7),
    ("link", {"link_entity": "account"}, 3, 3),
    ("region", {}, {"province": "浙江省", "city": "杭州市"}, {"province": "浙江省", "city": "杭州市", "district": ""}),
    ("region", {}, ["浙江省", "杭州市", "西湖区"], {"province": "浙江省", "city": "杭州市", "district": "西湖区"}),
    ("tags", {}, [" vip ", "VIP", "key  account", ""], ["vip", "key account"]),
]


@pytest.mark.parametrize(("type_name", "extra", "raw", "stored"), VALID)
def test_valid_values_are_stored_normalized(type_name, extra, raw, stored):
    assert kind(type_name, **extra).clean(raw) == stored


@pytest.mark.parametrize("type_name", sorted(FIELD_TYPES))
@pytest.mark.parametrize("empty", [None, "", "   ", [], {}])
def test_empty_input_is_no_value(type_name, empty):
    extra = {"options": OPTIONS} if "select" in type_name else {}
    assert kind(type_name, **extra).clean(empty) is None


def test_every_type_has_valid_and_invalid_cases():
    assert {case[0] for case in VALID} == set(FIELD_TYPES)
    assert {case[0] for case in INVALID} == set(FIELD_TYPES)


# --- clean: invalid values, with their exact messages ----------------------------------------------

PHONE_MESSAGE = "“12345” is not a valid phone number. Use a mobile like 138 1234 5678 or +86 21 1234 5678."
INVALID = [
    ("text", {}, "two\nlines", "Enter the text on a single line."),
    ("text", {}, 12, "Enter text."),
    ("text", {"max_length": 5}, "abcdef", "Enter at most 5 characters."),
    ("text", {"max_length": 1}, "ab", "Enter at most 1 character."),
    ("text", {"min_length": 3}, "ab", "Enter at least 3 characters."),
    ("text", {}, "x" * 256, "Enter at most 255 characters."),
    ("text", {"regex": REGEX}, "ab12", "Use two capital letters and digits, like AB12."),
    ("text", {"regex": {"pattern": r"^\d+$"}}, "ab", "Enter a value in the expected format."),
    ("long_text", {}, "x" * 10001, "Enter at most 10000 characters."),
    ("long_text", {"min_length": 10}, "short", "Enter at least 10 characters."),
    ("integer", {}, "abc", "Enter a whole number."),
    ("integer", {}, "1.5", "Enter a whole number."),
    ("integer", {}, True, "Enter a whole number."),
    ("integer", {"min": 0}, "-1", "The value must be at least 0."),
    ("integer", {"max": 100}, 101, "The value must be at most 100."),
    ("integer", {}, 2**53, "The value must be at most 9007199254740991."),
    ("decimal", {}, "abc", "Enter a number."),
    ("decimal", {}, "1e5", "Enter a number."),
    ("decimal", {}, float("nan"), "Enter a number."),
    ("decimal", {}, "1.234", "Enter a number with at most 2 decimal places."),
    ("decimal", {"decimal_places": 1}, "1.23", "Enter a number with at most 1 decimal place."),
    ("decimal", {"decimal_places": 0}, "1.5", "Enter a whole number."),
    ("decimal", {"max": 10.5}, "11", "The value must be at most 10.5."),
    ("decimal", {}, "1" + "0" * 18, "Enter a number with at most 18 digits before the decimal point."),
    ("money", {}, {"amount": "1", "currency": "XYZ"}, "Enter a currency code such as CNY or USD."),
    ("money", {}, {"value": 1}, "Enter an amount and a currency code, such as 12.50 CNY."),
    ("money", {}, {"amount": "x"}, "Enter a number."),
    ("money", {"min": 0}, "-1", "The value must be at least 0."),
    ("percent", {}, "101", "The value must be at most 100."),
    ("percent", {}, "-0.5", "The value must be at least 0."),
    ("date", {}, "23/11/2026", "Enter a date like 2026-12-31."),
    ("date", {}, "2026-02-30", "Enter a date like 2026-12-31."),
    ("date", {}, 20261123, "Enter a date like 2026-12-31."),
    ("date", {"min": "2026-01-01"}, "2025-12-31", "Enter a date on or after 2026-01-01."),
    ("date", {"max": "2026-12-31"}, "2027-01-01", "Enter a date on or before 2026-12-31."),
    ("datetime", {}, "tomorrow", "Enter a date and time like 2026-12-31 14:30."),
    ("datetime", {"min": "2026-01-01T00:00:00+08:00"}, "2025-12-31 23:59",
     "Enter a time on or after 2026-01-01 00:00."),
    ("datetime", {"max": "2026-01-01T00:00:00Z"}, "2026-01-01 08:01",
     "Enter a time on or before 2026-01-01 08:00."),
    ("boolean", {}, "maybe", "Choose yes or no."),
    ("boolean", {}, 2, "Choose yes or no."),
    ("select", {"options": OPTIONS}, "bronze", "“bronze” is not one of the options."),
    ("select", {"options": OPTIONS}, "Gold", "“Gold” is not one of the options."),
    ("multi_select", {"options": OPTIONS}, "gold", "Choose a list of options."),
    ("multi_select", {"options": OPTIONS}, ["gold", "x"], "“x” is not one of the options."),
    ("multi_select", {"options": OPTIONS, "max_length": 1}, ["gold", "silver"], "Choose at most 1 option."),
    ("multi_select", {"options": OPTIONS, "min_length": 2}, ["gold"], "Choose at least 2 options."),
    ("email", {}, "not-an-email", "Enter a valid email address, like name@company.com."),
    ("email", {}, 12, "Enter a valid email address, like name@company.com."),
    ("phone", {}, "12345", PHONE_MESSAGE),
    ("phone", {"min_length": 12}, "13812345678", "Enter at least 12 digits."),
    ("url", {}, "ftp://example.com", "Enter a valid web address, like https://www.example.com."),
    ("url", {}, "javascript:alert(1)", "Enter a valid web address, like https://www.example.com."),
    ("user", {}, "abc", "Enter the id of a user."),
    ("user", {}, 0, "Enter the id of a user."),
    ("user", {}, True, "Enter the id of a user."),
    ("link", {"link_entity": "account"}, -1, "Enter the id of a record."),
    ("region", {}, {"city": "杭州市"}, "Enter a province, optionally with a city and a district."),
    ("region", {}, {"province": "浙江省", "district": "西湖区"},
     "Enter a province, optionally with a city and a district."),
    ("region", {}, {"province": "浙江省", "street": "文三路"},
     "Enter a province, optionally with a city and a district."),
    ("region", {}, {"province": "x" * 51}, "Each part of a region can have at most 50 characters."),
    ("tags", {}, "vip", "Enter a list of tags."),
    ("tags", {}, ["x" * 51], "A tag can have at most 50 characters: “" + "x" * 39 + "…”."),
    ("tags", {"max_length": 2}, ["a", "b", "c"], "Enter at most 2 tags."),
]


@pytest.mark.parametrize(("type_name", "extra", "raw", "message"), INVALID)
def test_invalid_values_are_refused_in_the_active_language(type_name, extra, raw, message):
    field = kind(type_name, **extra)
    assert failure(field, raw) == message
    chinese = failure(field, raw, "zh-hans")
    assert chinese != message
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese), chinese


def test_the_regex_rule_speaks_with_the_fields_own_message():
    field = kind("text", regex=REGEX)
    assert failure(field, "ab12", "zh-hans") == "请输入两个大写字母加数字，例如 AB12。"


def test_chinese_messages_keep_the_limits():
    assert failure(kind("text", max_length=5), "abcdef", "zh-hans") == "最多可输入 5 个字符。"
    assert failure(kind("integer", min=0), "-1", "zh-hans") == "数值不能小于 0。"
    assert failure(kind("integer"), "abc", "zh-hans") == "请输入整数。"
    assert "2" in failure(kind("decimal"), "1.234", "zh-hans")


def test_phone_numbers_follow_the_workspace_region():
    us = field_type(spec("phone"), FieldContext(region="US"))
    assert us.clean("(650) 253-0000") == "+16502530000"
    assert kind("phone").clean("+1 650 253 0000") == "+16502530000"


def test_datetimes_are_stored_in_the_workspace_time_zone():
    berlin = field_type(spec("datetime"), FieldContext(time_zone=ZoneInfo("Europe/Berlin")))
    assert berlin.clean("2026-07-01 10:00") == "2026-07-01T10:00:00+02:00"
    assert berlin.clean("2026-07-01T10:00:00+08:00") == "2026-07-01T04:00:00+02:00"


def test_money_accepts_the_workspace_currency():
    money = field_type(spec("money"), FieldContext(currency="NZD"))
    assert money.clean("5") == {"amount": "5.00", "currency": "NZD"}
    assert money.clean({"amount": 5, "currency": "EUR"}) == {"amount": "5.00", "currency": "EUR"}


# --- to_python, display, mask -----------------------------------------------------------------------

@pytest.mark.parametrize(("type_name", "extra", "stored", "python"), [
    ("text", {}, "Hello", "Hello"),
    ("integer", {}, 12, 12),
    ("decimal", {}, "12.50", Decimal("12.50")),
    ("money", {}, {"amount": "12.50", "currency": "CNY"}, {"amount": Decimal("12.50"), "currency": "CNY"}),
    ("percent", {}, "12.5", Decimal("12.5")),
    ("date", {}, "2026-11-23", dt.date(2026, 11, 23)),
    ("datetime", {}, "2026-11-23T10:00:00+08:00",
     dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC)),
    ("boolean", {}, False, False),
    ("multi_select", {"options": OPTIONS}, ["gold"], ["gold"]),
    ("user", {}, 5, 5),
    ("region", {}, {"province": "浙江省", "city": "", "district": ""},
     {"province": "浙江省", "city": "", "district": ""}),
    ("tags", {}, ["vip"], ["vip"]),
    ("integer", {}, None, None),
])
def test_to_python(type_name, extra, stored, python):
    value = kind(type_name, **extra).to_python(stored)
    assert value == python
    assert type(value) is type(python)
    if type_name == "datetime":
        assert value.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(("type_name", "extra", "stored", "english", "chinese"), [
    ("text", {}, "Hello", "Hello", "Hello"),
    ("integer", {}, 12, "12", "12"),
    ("decimal", {}, "12.50", "12.50", "12.50"),
    ("money", {}, {"amount": "12.50", "currency": "CNY"}, "¥12.50", "¥12.50"),
    ("money", {}, {"amount": "3.00", "currency": "USD"}, "USD 3.00", "USD 3.00"),
    ("percent", {}, "12.5", "12.5%", "12.5%"),
    ("date", {}, "2026-11-23", "2026-11-23", "2026-11-23"),
    ("datetime", {}, "2026-11-23T02:00:00+00:00", "2026-11-23 10:00", "2026-11-23 10:00"),
    ("boolean", {}, True, "Yes", "是"),
    ("boolean", {}, False, "No", "否"),
    ("select", {"options": OPTIONS}, "gold", "Gold", "金牌"),
    ("select", {"options": OPTIONS}, "retired", "retired", "retired"),
    ("multi_select", {"options": OPTIONS}, ["gold", "silver"], "Gold, Silver", "金牌、银牌"),
    ("email", {}, "a@example.com", "a@example.com", "a@example.com"),
    ("phone", {}, "+8613812345678", "+86 138 1234 5678", "+86 138 1234 5678"),
    ("url", {}, "https://example.com", "https://example.com", "https://example.com"),
    ("user", {}, 5, "5", "5"),
    ("link", {"link_entity": "deal"}, 9, "9", "9"),
    ("region", {}, {"province": "浙江省", "city": "杭州市", "district": ""}, "浙江省 杭州市", "浙江省 杭州市"),
    ("tags", {}, ["vip", "key account"], "vip, key account", "vip、key account"),
    ("integer", {}, None, "", ""),
    ("money", {}, "garbage", "garbage", "garbage"),
])
def test_display(type_name, extra, stored, english, chinese):
    field = kind(type_name, **extra)
    assert field.display(stored, "en") == english
    assert field.display(stored, "zh-hans") == chinese


def test_display_defaults_to_the_active_language():
    field = kind("boolean")
    with translation.override("zh-hans"):
        assert field.display(True) == "是"
    assert field.display(True) == "Yes"


@pytest.mark.parametrize(("type_name", "extra", "stored", "masked"), [
    ("phone", {}, "+8613812345678", "138****5678"),
    ("text", {}, "ID 110101199003071234", "****1234"),
    ("text", {}, "short", MASK),
    ("integer", {}, 6222020200112233, "****2233"),
    ("decimal", {}, "12.50", MASK),
    ("email", {}, "zhang@example.com", "z****@example.com"),
    ("money", {}, {"amount": "12.50", "currency": "CNY"}, {"amount": MASK, "currency": "CNY"}),
    ("date", {}, "1990-03-07", MASK),
    ("multi_select", {"options": OPTIONS}, ["gold"], [MASK]),
    ("tags", {}, ["vip"], [MASK]),
    ("region", {}, {"province": "浙江省", "city": "", "district": ""},
     {"province": MASK, "city": MASK, "district": MASK}),
    ("text", {}, None, None),
])
def test_mask(type_name, extra, stored, masked):
    assert kind(type_name, **extra).mask(stored) == masked


# --- type changes -------------------------------------------------------------------------------------

CONVERSIONS = [
    (spec("text"), spec("integer"), "12", 12),
    (spec("text"), spec("integer"), "abc", "Enter a whole number."),
    (spec("integer"), spec("decimal"), 12, "12.00"),
    (spec("integer"), spec("decimal"), 2**53 - 1, "9007199254740991.00"),
    (spec("decimal"), spec("integer"), "12.00", 12),
    (spec("decimal"), spec("integer"), "12.50", "Enter a whole number."),
    (spec("decimal"), spec("decimal", decimal_places=1), "12.55", "Enter a number with at most 1 decimal place."),
    (spec("decimal"), spec("money"), "12.50", {"amount": "12.50", "currency": "CNY"}),
    (spec("money"), spec("decimal"), {"amount": "12.50", "currency": "USD"}, "12.50"),
    (spec("money"), spec("decimal"), "garbage", "This value cannot be converted to the new type."),
    (spec("percent"), spec("decimal"), "12.50", "12.50"),
    (spec("select", options=OPTIONS), spec("multi_select", options=OPTIONS), "gold", ["gold"]),
    (spec("multi_select", options=OPTIONS), spec("select", options=OPTIONS), ["gold"], "gold"),
    (spec("multi_select", options=OPTIONS), spec("select", options=OPTIONS), ["gold", "silver"],
     "A single choice keeps one option; this value has 2."),
    (spec("select", options=OPTIONS), spec("select", options=OPTIONS[:1]), "silver",
     "“silver” is not one of the options."),
    (spec("text"), spec("select", options=OPTIONS), "金牌", "gold"),
    (spec("text"), spec("select", options=OPTIONS), "bronze", "“bronze” is not one of the options."),
    (spec("select", options=OPTIONS), spec("text"), "gold", "Gold"),
    (spec("multi_select", options=OPTIONS), spec("text"), ["gold", "silver"], "Gold, Silver"),
    (spec("multi_select", options=OPTIONS), spec("tags"), ["gold", "silver"], ["Gold", "Silver"]),
    (spec("tags"), spec("multi_select", options=OPTIONS), ["Gold", "银牌"], ["gold", "silver"]),
    (spec("text"), spec("tags"), "a, b，c", ["a", "b", "c"]),
    (spec("long_text"), spec("text"), "two\nlines", "two lines"),
    (spec("text"), spec("text", max_length=3), "abcd", "Enter at most 3 characters."),
    (spec("boolean"), spec("text"), True, "Yes"),
    (spec("integer"), spec("boolean"), 1, True),
    (spec("integer"), spec("boolean"), 5, "Choose yes or no."),
    (spec("date"), spec("datetime"), "2026-11-23", "2026-11-23T00:00:00+08:00"),
    (spec("datetime"), spec("date"), "2026-11-23T20:00:00+00:00", "2026-11-24"),
    (spec("text"), spec("date"), "2026-11-23", "2026-11-23"),
    (spec("text"), spec("email"), "A@Example.COM", "a@example.com"),
    (spec("text"), spec("phone"), "13812345678", "+8613812345678"),
    (spec("region"), spec("text"), {"province": "浙江省", "city": "杭州市", "district": ""}, "浙江省 杭州市"),
    (spec("money"), spec("text"), {"amount": "12.50", "currency": "CNY"}, "¥12.50"),
    (spec("user"), spec("link", link_entity="account"), 5, "This value cannot be converted to the new type."),
    (spec("link", link_entity="account"), spec("link", link_entity="contact"), 5,
     "This value cannot be converted to the new type."),
    (spec("link", link_entity="account"), spec("link", link_entity="account"), 5, 5),
    (spec("date"), spec("integer"), "2026-11-23", "This value cannot be converted to the new type."),
    (spec("text"), spec("region"), "浙江省", "This value cannot be converted to the new type."),
    (spec("text"), spec("integer"), None, None),
]


@pytest.mark.parametrize(("old", "new", "stored", "expected"), CONVERSIONS)
def test_type_change_conversions(old, new, stored, expected):
    convert = compile_fields([]).converter(old, new, "en")
    try:
        outcome = convert(stored)
    except FieldValueError as error:
        outcome = error.message
    assert outcome == expected


def test_type_change_check_counts_failures_and_previews_distinct_values():
    fields = compile_fields([spec("text")])
    values = ["12", "abc", "12", None, "", "x", "7"]
    check = fields.check_type_change(spec("text"), spec("integer"), values)
    assert isinstance(check, TypeChangeCheck)
    assert check.failures == 2
    assert check.checked == 5
    assert check.preview == [("12", 12), ("abc", "Enter a whole number."), ("x", "Enter a whole number."), ("7", 7)]
    assert len(fields.check_type_change(spec("text"), spec("integer"), values, limit=2).preview) == 2
    with translation.override("zh-hans"):
        chinese = fields.check_type_change(spec("text"), spec("integer"), ["abc"])
    assert chinese.preview == [("abc", "请输入整数。")]


# --- one entity's compiled fields -------------------------------------------------------------------

def entity() -> CompiledFields:
    return compile_fields([
        spec("text", "budget_code", label={"zh-hans": "预算编号", "en": "Budget code"}, order=20,
             regex=REGEX, help={"zh-hans": "财务系统中的编号", "en": "The code in the finance system"}),
        spec("integer", "headcount", label={"zh-hans": "人数", "en": "Headcount"}, order=10, min=0, max=100000),
        spec("select", "tier", options=OPTIONS, default="silver", section="Details"),
        spec("text", "id_number", sensitive=True, visible_to=["owner", "admin", "finance"],
             editable_by=["admin", "finance"]),
        spec("decimal", "discount", editable_by=["admin"], default="5"),
        spec("phone", "mobile", sensitive=True, unique=True, indexed=True),
        spec("user", "reviewer"),
        spec("link", "partner", link_entity="account"),
        spec("text", "legacy", archived=True, sensitive=True),
        spec("decimal", "rate", required_when={"field": "amount", "op": "gt", "value": 10000}),
        spec("text", "reason", required_when={"field": "custom.tier", "op": "eq", "value": "gold"}),
    ])


def test_fields_are_ordered_and_archived_ones_left_out():
    fields = entity()
    assert [f.key for f in fields.fields] == [
        "headcount", "budget_code", "tier", "id_number", "discount", "mobile", "reviewer", "partner", "rate",
        "reason"]
    assert fields.archived_keys == {"legacy"}
    assert fields.get("legacy") is None
    assert fields.get("legacy", archived=True).key == "legacy"
    assert fields.label("budget_code", "zh-hans") == "预算编号"
    assert fields.label("budget_code", "en") == "Budget code"
    assert fields.label("nope") == "nope"


def test_keys_the_caller_needs_for_database_checks():
    fields = entity()
    assert fields.unique_keys == {"mobile"}
    assert fields.indexed_keys == {"mobile"}
    assert fields.sensitive_keys == {"id_number", "mobile", "legacy"}  # archived values stay encrypted
    assert fields.user_keys == {"reviewer"}
    assert fields.link_entities == {"partner": "account"}
    assert fields.get("reviewer").type.reference_error() == "This user is not an active member of the workspace."
    assert fields.get("mobile").error(fields.get("mobile").type.unique_error()) == (
        "Field: Another record already has this value.")


@pytest.mark.parametrize("bad", [
    spec("text", regex={"pattern": "([", "message": {"zh-hans": "x", "en": "x"}}),
    spec("integer", default="abc"),
    spec("date", min="soon"),
    spec("integer", max="lots"),
    spec("colour"),
])
def test_specs_that_cannot_work_do_not_compile(bad):
    with pytest.raises(FieldSpecError):
        compile_fields([bad])


def test_duplicate_keys_do_not_compile():
    with pytest.raises(FieldSpecError):
        compile_fields([spec("text"), spec("integer")])


def test_clean_merges_a_partial_update_into_the_stored_values():
    stored = {"headcount": 5, "legacy": "kept as is", "gone_field": 1, "tier": "gold", "reason": "VIP"}
    custom, errors = entity().clean({"budget_code": "AB12", "tier": None, "reason": ""}, existing=stored,
                                    role="member", creating=False)
    assert errors == {}
    assert custom == {"headcount": 5, "legacy": "kept as is", "gone_field": 1, "budget_code": "AB12"}
    assert stored["tier"] == "gold"  # the caller's mapping is not changed


def test_clean_reports_every_error_at_once_naming_the_field():
    _custom, errors = entity().clean({"budget_code": "x", "headcount": "many", "mobile": "12345", "what": 1},
                                     existing={}, role="admin", creating=True)
    assert errors == {
        "custom": ["Unknown custom field “what”."],
        "custom.budget_code": ["Budget code: Use two capital letters and digits, like AB12."],
        "custom.headcount": ["Headcount: Enter a whole number."],
        "custom.mobile": [f"Field: {PHONE_MESSAGE}"],
    }


def test_clean_speaks_chinese_with_a_full_width_colon():
    with translation.override("zh-hans"):
        _custom, errors = entity().clean({"headcount": "many"}, existing={}, role="admin", creating=True)
    assert errors == {"custom.headcount": ["人数：请输入整数。"]}


def test_archived_fields_cannot_be_written_but_keep_their_values():
    custom, errors = entity().clean({"legacy": "new"}, existing={"legacy": "old"}, role="admin", creating=False)
    assert errors == {"custom": ["Unknown custom field “legacy”."]}
    assert custom["legacy"] == "old"


def test_a_payload_that_is_not_an_object_is_an_error():
    _custom, errors = entity().clean(["tier"], existing={}, role="admin", creating=False)
    assert errors == {"custom": ["Custom fields must be an object of field keys and values."]}
    custom, errors = entity().clean(None, existing={"tier": "silver"}, role="admin", creating=False)
    assert (custom, errors) == ({"tier": "silver"}, {})


def test_defaults_fill_absent_fields_on_create_only():
    fields = entity()
    custom, errors = fields.clean({}, existing={}, role="member", creating=True)
    assert errors == {}
    assert custom == {"tier": "silver", "discount": "5.00"}
    custom, _errors = fields.clean({"tier": None}, existing={}, role="member", creating=True)
    assert "tier" not in custom  # an explicit empty value is not replaced by the default
    custom, _errors = fields.clean({}, existing={}, role="member", creating=False)
    assert custom == {}


def test_editable_by_refuses_every_value_so_no_guess_can_be_confirmed():
    fields = entity()
    # a role that may not edit the field is refused whatever it sends: a change, the stored value, the default
    for payload, existing, creating in [({"discount": "8"}, {"discount": "5.00"}, False),
                                        ({"discount": "5"}, {"discount": "5.00"}, False),
                                        ({"discount": "5.0"}, {"discount": "5"}, False),
                                        ({"discount": "5"}, {}, True)]:
        _custom, errors = fields.clean(payload, existing=existing, role="member", creating=creating)
        assert errors == {"custom.discount": ["Field: You may not change this field."]}
    # sending nothing keeps the stored value, and a create still gets the default
    custom, errors = fields.clean({}, existing={"discount": "5.00"}, role="member", creating=False)
    assert (custom, errors) == ({"discount": "5.00"}, {})
    custom, errors = fields.clean({}, existing={}, role="member", creating=True)
    assert (custom["discount"], errors) == ("5.00", {})
    custom, errors = fields.clean({"discount": "8"}, existing={"discount": "5.00"}, role="admin", creating=False)
    assert (custom["discount"], errors) == ("8.00", {})
    # a field the role cannot see is unknown to it, like a key that does not exist
    _custom, errors = fields.clean({"id_number": "X1"}, existing={}, role="member", creating=False)
    assert errors == {"custom": ["Unknown custom field “id_number”."]}
    with translation.override("zh-hans"):
        _custom, errors = fields.clean({"discount": "8"}, existing={}, role="member", creating=False)
    assert errors["custom.discount"][0].startswith("字段：")
    assert "You may not" not in errors["custom.discount"][0]


def test_required_fields():
    fields = compile_fields([
        spec("text", "budget_code", label={"zh-hans": "预算编号", "en": "Budget code"}, required=True),
        spec("text", "audit_note", required=True, editable_by=["admin"]),
        spec("integer", "score", required=True, default=3),
    ])
    custom, errors = fields.clean({}, existing={}, role="member", creating=True)
    assert errors == {"custom.budget_code": ["Budget code: This field is required."]}
    assert custom == {"score": 3}
    _custom, errors = fields.clean({}, existing={}, role="admin", creating=True)
    assert set(errors) == {"custom.budget_code", "custom.audit_note"}
    _custom, errors = fields.clean({"budget_code": "  "}, existing={"budget_code": "B1", "score": 3},
                                   role="member", creating=False)
    assert errors == {"custom.budget_code": ["Budget code: This field is required."]}
    _custom, errors = fields.clean({"score": 4}, existing={"budget_code": "B1"}, role="member", creating=False)
    assert errors == {}
    with translation.override("zh-hans"):
        _custom, errors = fields.clean({}, existing={"score": 3}, role="member", creating=False)
    assert errors["custom.budget_code"][0].startswith("预算编号：")
    assert "required" not in errors["custom.budget_code"][0]


def test_required_when_reads_builtin_and_custom_values():
    fields = entity()
    big = {"amount": Decimal("20000")}.get
    small = {"amount": Decimal("500")}.get
    _custom, errors = fields.clean({}, existing={}, role="member", creating=False, resolve_builtin=big)
    assert errors == {"custom.rate": ["Field: This field is required."]}
    _custom, errors = fields.clean({"rate": "1.5"}, existing={}, role="member", creating=False,
                                   resolve_builtin=big)
    assert errors == {}
    _custom, errors = fields.clean({}, existing={}, role="member", creating=False, resolve_builtin=small)
    assert errors == {}
    _custom, errors = fields.clean({}, existing={}, role="member", creating=False)  # no builtin values
    assert errors == {}
    _custom, errors = fields.clean({"tier": "gold"}, existing={}, role="member", creating=False)
    assert errors == {"custom.reason": ["Field: This field is required."]}
    _custom, errors = fields.clean({"tier": "gold", "reason": "VIP"}, existing={}, role="member", creating=False)
    assert errors == {}


def test_required_when_compares_custom_values_as_python_values():
    fields = compile_fields([
        spec("decimal", "rate"),
        spec("date", "since"),
        spec("text", "why", required_when={"any": [{"field": "custom.rate", "op": "gte", "value": 5},
                                                   {"field": "custom.since", "op": "lt", "value": "2020-01-01"}]}),
    ])
    assert fields.clean({"rate": "5"}, existing={}, role="member", creating=True)[1] == {
        "custom.why": ["Field: This field is required."]}
    assert fields.clean({"rate": "4.99"}, existing={}, role="member", creating=True)[1] == {}
    assert fields.clean({"since": "2019-12-31"}, existing={}, role="member", creating=True)[1] != {}


def test_visible_hides_masks_and_reveals():
    fields = entity()
    stored = {"budget_code": "AB12", "id_number": "110101199003071234", "mobile": "+8613812345678",
              "legacy": "old secret", "gone_field": 1}
    assert fields.visible(stored, "member", may_reveal=False) == {"budget_code": "AB12", "mobile": "138****5678"}
    assert fields.visible(stored, "finance", may_reveal=False) == {
        "budget_code": "AB12", "id_number": "****1234", "mobile": "138****5678"}
    assert fields.visible(stored, "finance", may_reveal=True) == {
        "budget_code": "AB12", "id_number": "110101199003071234", "mobile": "+8613812345678"}
    assert fields.visible(None, "admin", may_reveal=True) == {}


def test_display_through_the_compiled_fields():
    fields = entity()
    assert fields.display("tier", "gold", "zh-hans") == "金牌"
    assert fields.display("legacy", "old", "en") == "old"
    assert fields.display("gone_field", 1, "en") == "1"


def test_describe():
    fields = entity()
    described = {d["key"]: d for d in fields.describe("en", role="member")}
    assert "id_number" not in described  # not visible to members
    assert list(described) == ["headcount", "budget_code", "tier", "discount", "mobile", "reviewer", "partner",
                               "rate", "reason"]
    assert described["budget_code"] == {
        "key": "budget_code", "type": "text", "label": "Budget code", "help": "The code in the finance system",
        "required": False, "required_when": None, "options": None, "min": None, "max": None, "min_length": None,
        "max_length": 255, "decimal_places": None, "link_entity": None, "sensitive": False, "unique": False,
        "section": None, "order": 20, "editable": True, "default": None,
    }
    assert described["tier"]["options"] == [{"key": "gold", "label": "Gold", "color": "#d4a017"},
                                             {"key": "silver", "label": "Silver", "color": None}]
    assert described["tier"]["default"] == "silver"
    assert described["tier"]["section"] == "Details"
    assert (described["headcount"]["min"], described["headcount"]["max"]) == (0, 100000)
    assert (described["discount"]["decimal_places"], described["discount"]["editable"]) == (2, False)
    assert described["mobile"]["sensitive"] and described["mobile"]["unique"]
    assert described["partner"]["link_entity"] == "account"
    assert described["rate"]["required_when"] == {"field": "amount", "op": "gt", "value": 10000}
    chinese = {d["key"]: d for d in fields.describe("zh-hans", role="admin")}
    assert chinese["budget_code"]["label"] == "预算编号"
    assert chinese["budget_code"]["help"] == "财务系统中的编号"
    assert chinese["tier"]["options"][0]["label"] == "金牌"
    assert chinese["id_number"]["editable"] and chinese["discount"]["editable"]
    assert len(fields.describe("en")) == len(fields.fields)
    percent = compile_fields([spec("percent")]).describe("en")[0]
    assert (percent["min"], percent["max"], percent["decimal_places"]) == (0, 100, 2)


def test_compile_fields_is_importable_from_fieldtypes():
    from core.customization import fieldtypes

    assert fieldtypes.compile_fields is compile_fields
