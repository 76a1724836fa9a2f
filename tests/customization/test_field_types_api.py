"""Every custom field type through the API: a valid value is stored in its canonical form and read back,
an invalid one is refused with an error on `custom.<key>` naming the field, and nothing is written."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core.customization import services as config
from core.customization.current import default_document
from core.records import services as records
from core.records.models import Deal
from tests.records.conftest import api_for


def _label(en: str) -> dict:
    return {"zh-hans": f"字段{en}", "en": en}


# (spec, valid input, stored form as the API answers it, invalid input)
TYPES = [
    ({"type": "text", "max_length": 5}, " abc ", "abc", "abcdefgh"),
    ({"type": "long_text"}, "line 1\nline 2", "line 1\nline 2", 12),
    ({"type": "integer", "min": 1}, "12", 12, "1.5"),
    ({"type": "decimal", "decimal_places": 2}, "3.5", "3.50", "3.555"),
    ({"type": "money"}, {"amount": "12.5", "currency": "USD"}, {"amount": "12.50", "currency": "USD"},
     {"amount": "x", "currency": "USD"}),
    ({"type": "percent"}, "12.5", "12.50", "150"),
    ({"type": "date"}, "2027-01-31", "2027-01-31", "2027-02-30"),
    ({"type": "datetime"}, "2027-01-31T09:30:00+08:00", "2027-01-31T09:30:00+08:00", "tomorrow"),
    ({"type": "boolean"}, True, True, "maybe"),
    ({"type": "select", "options": [{"key": "a", "label": _label("A")}]}, "a", "a", "b"),
    ({"type": "multi_select", "options": [{"key": "a", "label": _label("A")}, {"key": "b", "label": _label("B")}]},
     ["b", "a"], ["a", "b"], ["a", "c"]),
    ({"type": "email"}, "Sales@Example.COM", "sales@example.com", "not-an-email"),
    ({"type": "phone"}, "138 1234 5678", "+8613812345678", "12"),
    ({"type": "url"}, "https://example.com/x", "https://example.com/x", "ftp://example.com"),
    ({"type": "user"}, "MEMBER", "MEMBER", 999_999),
    ({"type": "link", "link_entity": "account"}, "ACCOUNT", "ACCOUNT", 999_999),
    ({"type": "region"}, {"province": "浙江省", "city": "杭州市", "district": ""},
     {"province": "浙江省", "city": "杭州市", "district": ""}, {"city": "杭州市"}),
    ({"type": "tags"}, ["重点", "续约", "重点"], ["重点", "续约"], "x" * 60),
]


@pytest.fixture
def account(team, in_alpha):
    document = default_document()
    document["custom_fields"] = {"deal": [{"key": f"f_{spec['type']}", "label": _label(spec["type"]), **spec}
                                          for spec, *_ in TYPES]}
    config.config_save(actor=team.owner, document=document, base_version=0)
    return records.account_create(actor=team.owner, data={"name": "类型测试公司", "owner": team.member.pk})


def _resolve(value, team, account):
    return {"MEMBER": team.member.pk, "ACCOUNT": account.pk}.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize(("spec", "valid", "stored", "invalid"), TYPES, ids=[spec["type"] for spec, *_ in TYPES])
def test_each_type_through_the_api(team, account, alpha, spec, valid, stored, invalid):
    key = f"f_{spec['type']}"
    api = api_for(team.member)
    created = api.post("/api/v1/deals", {"name": "ok", "account": account.pk,
                                         "custom": {key: _resolve(valid, team, account)}}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["custom"][key] == _resolve(stored, team, account)
    assert api.get(f"/api/v1/deals/{created.json()['id']}").json()["custom"][key] == _resolve(stored, team, account)
    refused = api.post("/api/v1/deals", {"name": "bad", "account": account.pk, "custom": {key: invalid}},
                       format="json")
    assert refused.status_code == 400, refused.content
    fields = {f["path"]: f["message"] for f in refused.json()["error"]["fields"]}
    assert list(fields) == [f"custom.{key}"]
    assert fields[f"custom.{key}"].startswith(f"字段{spec['type']}")  # alpha reads Chinese labels
    with schema_context(alpha.schema_name):
        assert not Deal.objects.filter(name="bad").exists()
