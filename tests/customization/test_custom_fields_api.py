"""Custom fields on records through the API and the services: validation on every write, required-when,
sensitive values, archive and restore, type changes against stored data, filters and sorting."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from core.customization import services as config
from core.customization.current import default_document
from core.records import services as records
from core.records.models import Deal
from tests.records.conftest import api_for

FIELDS = [
    {"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号", "en": "Budget code"},
     "regex": {"pattern": "^[A-Z]{2}\\d+$", "message": {"zh-hans": "格式如 AB123", "en": "Format like AB123"}}},
    {"key": "seats", "type": "integer", "label": {"zh-hans": "席位数", "en": "Seats"}, "min": 1, "max": 1000},
    {"key": "tier", "type": "select", "label": {"zh-hans": "等级", "en": "Tier"},
     "options": [{"key": "gold", "label": {"zh-hans": "金牌", "en": "Gold"}},
                 {"key": "silver", "label": {"zh-hans": "银牌", "en": "Silver"}}]},
    {"key": "contract_no", "type": "text", "label": {"zh-hans": "合同编号", "en": "Contract number"},
     "required_when": {"field": "custom.tier", "op": "eq", "value": "gold"}},
    {"key": "id_number", "type": "text", "label": {"zh-hans": "证件号", "en": "ID number"}, "sensitive": True},
    {"key": "renewal", "type": "date", "label": {"zh-hans": "续约日期", "en": "Renewal date"}},
]


def save(owner, document, base):
    return config.config_save(actor=owner, document=document, base_version=base)


@pytest.fixture
def configured(team, in_alpha):
    document = default_document()
    document["custom_fields"] = {"deal": copy.deepcopy(FIELDS)}
    save(team.owner, document, 0)
    return document


@pytest.fixture
def account(team, in_alpha):
    return records.account_create(actor=team.owner, data={"name": "自定义字段测试公司", "owner": team.member.pk})


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {f["path"]: f["message"] for f in response.json()["error"]["fields"]}


def test_valid_values_are_stored_and_returned(team, configured, account):
    api = api_for(team.member)
    response = api.post("/api/v1/deals", {"name": "D", "account": account.pk, "custom": {
        "budget_code": "AB123", "seats": "12", "tier": "silver", "renewal": "2027-01-31"}}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["custom"] == {"budget_code": "AB123", "seats": 12, "tier": "silver",
                                         "renewal": "2027-01-31"}
    # a partial update changes one value and keeps the others
    patched = api.patch(f"/api/v1/deals/{response.json()['id']}", {"custom": {"seats": 20}}, format="json")
    assert patched.json()["custom"]["seats"] == 20 and patched.json()["custom"]["budget_code"] == "AB123"


def test_every_invalid_value_is_reported_at_once_by_its_label(team, configured, account):
    api = api_for(team.member)
    response = api.post("/api/v1/deals", {"name": "D", "account": account.pk, "custom": {
        "budget_code": "ab", "seats": 0, "tier": "bronze", "nope": 1}}, format="json")
    errors = errors_of(response)
    assert set(errors) == {"custom.budget_code", "custom.seats", "custom.tier", "custom"}
    # alpha speaks Chinese: the message names the field by its Chinese label and uses the field's own words
    assert errors["custom.budget_code"].startswith("预算编号") and "格式如 AB123" in errors["custom.budget_code"]
    assert errors["custom.seats"].startswith("席位数")
    assert not Deal.objects.exists()


def test_required_when_the_condition_holds(team, configured, account):
    api = api_for(team.member)
    refused = api.post("/api/v1/deals", {"name": "D", "account": account.pk, "custom": {"tier": "gold"}},
                       format="json")
    assert set(errors_of(refused)) == {"custom.contract_no"}
    assert api.post("/api/v1/deals", {"name": "D", "account": account.pk, "custom": {"tier": "silver"}},
                    format="json").status_code == 201


def test_sensitive_values_are_encrypted_at_rest_and_masked(team, configured, account):
    deal = records.deal_create(actor=team.member, data={"name": "D", "account": account.pk,
                                                        "custom": {"id_number": "330102199001011234"}})
    with connection.cursor() as cursor:
        cursor.execute("SELECT custom::text FROM records_deal WHERE id = %s", [deal.pk])
        raw = cursor.fetchone()[0]
    assert "330102199001011234" not in raw and "$enc" in raw
    shown = api_for(team.member).get(f"/api/v1/deals/{deal.pk}").json()["custom"]["id_number"]
    assert shown != "330102199001011234" and shown.endswith("1234") and "*" in shown
    # the history keeps it masked too
    from core.audit.models import FieldChange

    change = FieldChange.objects.get(entity="deal", record_id=deal.pk, field="custom.id_number")
    assert "330102199001011234" not in str(change.new_value)


def test_archiving_keeps_values_and_restoring_brings_them_back(team, configured, account):
    deal = records.deal_create(actor=team.member, data={"name": "D", "account": account.pk,
                                                        "custom": {"budget_code": "CD456"}})
    archived = copy.deepcopy(configured)
    archived["custom_fields"]["deal"][0]["archived"] = True
    save(team.owner, archived, 1)
    api = api_for(team.member)
    assert "budget_code" not in api.get(f"/api/v1/deals/{deal.pk}").json()["custom"]
    # writing to an archived field is refused; other saves keep its stored value
    assert set(errors_of(api.patch(f"/api/v1/deals/{deal.pk}", {"custom": {"budget_code": "EF789"}},
                                   format="json"))) == {"custom"}
    assert api.patch(f"/api/v1/deals/{deal.pk}", {"custom": {"seats": 3}}, format="json").status_code == 200
    restored = copy.deepcopy(archived)
    restored["custom_fields"]["deal"][0]["archived"] = False
    save(team.owner, restored, 2)
    assert api.get(f"/api/v1/deals/{deal.pk}").json()["custom"]["budget_code"] == "CD456"


def test_a_type_change_needs_every_stored_value_to_convert(team, configured, account):
    for code in ("AB1", "AB2"):
        records.deal_create(actor=team.member, data={"name": code, "account": account.pk,
                                                     "custom": {"budget_code": code}})
    to_integer = copy.deepcopy(configured)
    to_integer["custom_fields"]["deal"][0] = {"key": "budget_code", "type": "integer",
                                              "label": {"zh-hans": "预算编号", "en": "Budget code"}}
    with pytest.raises(config.InvalidConfig) as refused:
        save(team.owner, to_integer, 1)
    ((error,),) = [[e for e in refused.value.errors if e.path == "$.custom_fields.deal[0].type"]]
    assert "2" in error.message and "AB1" in error.message  # how many fail, and a preview
    # seats: integer → decimal converts every value, and the stored values are rewritten
    deal = records.deal_create(actor=team.member, data={"name": "S", "account": account.pk, "custom": {"seats": 7}})
    to_decimal = copy.deepcopy(configured)
    to_decimal["custom_fields"]["deal"][1] = {"key": "seats", "type": "decimal",
                                              "label": {"zh-hans": "席位数", "en": "Seats"}}
    save(team.owner, to_decimal, 1)
    deal.refresh_from_db()
    assert deal.custom["seats"] == "7.00"


def test_removing_an_option_in_use_is_refused(team, configured, account):
    records.deal_create(actor=team.member, data={"name": "D", "account": account.pk, "custom": {"tier": "silver"}})
    fewer = copy.deepcopy(configured)
    fewer["custom_fields"]["deal"][2]["options"] = fewer["custom_fields"]["deal"][2]["options"][:1]
    with pytest.raises(config.InvalidConfig) as refused:
        save(team.owner, fewer, 1)
    assert any("silver" in e.message for e in refused.value.errors)


def test_filter_and_sort_by_custom_fields(team, configured, account):
    for name, seats in (("small", 2), ("mid", 50), ("big", 700)):
        records.deal_create(actor=team.member, data={"name": name, "account": account.pk, "custom": {"seats": seats}})
    records.deal_create(actor=team.member, data={"name": "none", "account": account.pk})
    api = api_for(team.member)

    def names(**params):
        response = api.get("/api/v1/deals", params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names(**{"custom.seats__gte": "10", "ordering": "custom.seats"}) == ["mid", "big"]
    assert names(**{"custom.seats__lte": "50", "ordering": "-custom.seats"}) == ["mid", "small"]
    assert names(**{"custom.seats__in": "2,700", "ordering": "custom.seats"}) == ["small", "big"]
    assert names(**{"custom.seats__isnull": "true"}) == ["none"]
    assert errors_of(api.get("/api/v1/deals", {"custom.nope": "1"})).keys() == {"custom.nope"}
    # a sensitive field cannot be filtered on (it is encrypted)
    assert errors_of(api.get("/api/v1/deals", {"custom.id_number": "1"})).keys() == {"custom.id_number"}


def test_meta_fields_describe_builtin_and_custom_fields(team, configured):
    body = api_for(team.member).get("/api/v1/meta/fields/deal").json()
    assert body["version"] == 1
    assert {"name", "amount", "stage"} <= {f["key"] for f in body["builtin"]}
    assert [f["key"] for f in body["custom"]] == [f["key"] for f in FIELDS]
    assert api_for(team.member).get("/api/v1/meta/fields/nothing").status_code == 404


def test_every_write_path_enforces_the_same_custom_rule(team, in_alpha, account):
    document = default_document()
    document["custom_fields"] = {"deal": [{**FIELDS[1], "required": True}]}
    save(team.owner, document, 0)
    # the service (what imports, the seeder, automations and plugins call)
    with pytest.raises(ValidationError) as by_service:
        records.deal_create(actor=team.member, data={"name": "D", "account": account.pk})
    assert set(by_service.value.message_dict) == {"custom.seats"}
    # the API
    api = api_for(team.member)
    assert set(errors_of(api.post("/api/v1/deals", {"name": "D", "account": account.pk}, format="json"))) == {
        "custom.seats"}
    assert not Deal.objects.exists()


def test_a_stale_cache_never_serves_another_workspace(team, configured, beta):
    from tests.factories import owner_of

    # alpha's compiled config is cached; beta (version 0, no fields) accepts a payload alpha would refuse
    beta_api = api_for(owner_of(beta), host="beta.localhost")
    account = beta_api.post("/api/v1/accounts", {"name": "Beta Co"}, format="json").json()
    response = beta_api.post("/api/v1/deals", {"name": "B", "account": account["id"],
                                               "custom": {"seats": 0}}, format="json")
    assert set(errors_of(response)) == {"custom"}  # unknown there: beta has no custom fields
    with schema_context(beta.schema_name):
        assert not Deal.objects.filter(name="B").exists()


def test_a_field_removed_and_added_back_must_fit_its_stored_values(team, configured, account):
    records.deal_create(actor=team.member, data={"name": "D", "account": account.pk,
                                                 "custom": {"budget_code": "AB123"}})
    removed = copy.deepcopy(configured)
    del removed["custom_fields"]["deal"][0]
    save(team.owner, removed, 1)
    # added back as a number: the stored text would not fit
    back = copy.deepcopy(removed)
    back["custom_fields"]["deal"].append({"key": "budget_code", "type": "integer",
                                          "label": {"zh-hans": "预算编号", "en": "Budget code"}})
    with pytest.raises(config.InvalidConfig) as refused:
        save(team.owner, back, 2)
    assert [e.path for e in refused.value.errors] == ["$.custom_fields.deal[5].type"]
    assert "AB123" in refused.value.errors[0].message
    # added back as it was: its value is there again
    save(team.owner, configured, 2)
    deal = Deal.objects.get(name="D")
    assert api_for(team.member).get(f"/api/v1/deals/{deal.pk}").json()["custom"]["budget_code"] == "AB123"


def _raw_custom(pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT custom::text FROM records_deal WHERE id = %s", [pk])
        return json.loads(cursor.fetchone()[0])


def test_marking_a_field_sensitive_encrypts_the_stored_values_and_unmarking_decrypts_them(team, configured,
                                                                                        account):
    deals = [records.deal_create(actor=team.member, data={"name": f"R{i}", "account": account.pk,
                                                         "custom": {"budget_code": f"AB{i}", "seats": i + 1}})
             for i in range(3)]
    untouched = records.deal_create(actor=team.member, data={"name": "None", "account": account.pk})
    secret = copy.deepcopy(configured)
    secret["custom_fields"]["deal"][0]["sensitive"] = True
    save(team.owner, secret, 1)
    for i, deal in enumerate(deals):
        raw = _raw_custom(deal.pk)
        assert set(raw["budget_code"]) == {"$enc"} and f"AB{i}" not in json.dumps(raw)  # no plaintext at rest
        assert raw["seats"] == i + 1  # the other keys of the document are left as they were
    assert "budget_code" not in _raw_custom(untouched.pk)
    api = api_for(team.member)
    assert api.get(f"/api/v1/deals/{deals[1].pk}").json()["custom"]["budget_code"] != "AB1"  # masked
    plain = copy.deepcopy(secret)
    plain["custom_fields"]["deal"][0]["sensitive"] = False
    save(team.owner, plain, 2)
    assert [_raw_custom(d.pk)["budget_code"] for d in deals] == ["AB0", "AB1", "AB2"]
    assert api.get(f"/api/v1/deals/{deals[1].pk}").json()["custom"]["budget_code"] == "AB1"
