"""Every custom field type through the web form: an invalid input comes back next to its own input, with
the field's label, and nothing is written (the form passes raw values to the same service as the API)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core.records.models import Deal
from tests.customization.test_field_types_api import TYPES, account  # noqa: F401  (the fixture)
from tests.web.conftest import login

# what a person types (or picks) that the field refuses, per input of the form
FORM_INVALID = {
    "text": {"": "abcdefgh"}, "integer": {"": "1.5"}, "decimal": {"": "3.555"},
    "money": {"_0": "x", "_1": "USD"}, "percent": {"": "150"}, "date": {"": "2027-02-30"},
    "datetime": {"": "tomorrow"}, "boolean": {"": "maybe"}, "select": {"": "b"}, "multi_select": {"": ["a", "c"]},
    "email": {"": "not-an-email"}, "phone": {"": "12"}, "url": {"": "ftp://example.com"}, "user": {"": "999999"},
    "link": {"": "999999"}, "region": {"_0": "", "_1": "杭州市", "_2": ""}, "tags": {"": "x" * 60},
}
KINDS = [spec["type"] for spec, *_ in TYPES if spec["type"] in FORM_INVALID]


@pytest.mark.parametrize("kind", KINDS)
def test_each_type_refused_next_to_its_input(team, account, alpha, kind):  # noqa: F811
    key = f"f_{kind}"
    data = {"name": "bad", "account": account.pk, "currency": "CNY", "owner": team.member.pk}
    data.update({f"custom.{key}{suffix}": value for suffix, value in FORM_INVALID[kind].items()})
    response = login(team.member).post("/deals/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"custom.{key}"], errors
    assert errors[f"custom.{key}"][0].startswith(f"字段{kind}")
    with schema_context(alpha.schema_name):
        assert not Deal.objects.filter(name="bad").exists()
