"""A NUL character typed into a web page is a form error or a 400 page, never a 500.

PostgreSQL refuses NUL in text. Django's form fields refuse it for built-in fields; the paths that read
input on their own — custom field inputs (passed raw to the service), the saved views, query strings of
list pages — are covered here.
"""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from core.customization import services as config
from core.customization.current import current_version, default_document
from core.records.models import Account, SavedView
from tests.web.conftest import login

NUL_MESSAGE = "不允许包含空字符。"


def _errors(response, name: str) -> list[str]:
    return re.findall(rf'data-error-for="{re.escape(name)}">([^<]*)<', response.content.decode())


def _accounts(alpha) -> int:
    with schema_context(alpha.schema_name):
        return Account.objects.count()


@pytest.mark.parametrize("url", ["/accounts/?q=a%00b", "/accounts/?industry=%00", "/contacts/?q=%00",
                                 "/deals/list/?stage=%00", "/leads/?q=%00", "/tickets/?q=%00", "/tasks/?x%00=1"])
def test_a_list_page_with_a_nul_in_its_query_string_answers_400(team, url):
    response = login(team.owner).get(url)
    assert response.status_code == 400
    assert "无法使用的字符" in response.content.decode()


def test_a_nul_in_a_built_in_field_is_a_form_error(team, alpha):
    before = _accounts(alpha)
    response = login(team.member).post("/accounts/new/", {"name": "A\x00B", "kind": "company", "status": "active"})
    assert response.status_code == 400
    assert _errors(response, "name") == [NUL_MESSAGE]
    assert _accounts(alpha) == before


def test_a_nul_in_a_custom_field_input_is_a_form_error(team, alpha):
    document = default_document()
    document["custom_fields"] = {"account": [{"key": "ref_code", "type": "text",
                                              "label": {"zh-hans": "参考编号", "en": "Reference code"}}]}
    with schema_context(alpha.schema_name):
        config.config_save(actor=team.owner, document=document, base_version=current_version())
    before = _accounts(alpha)
    response = login(team.member).post("/accounts/new/", {"name": "表单公司", "kind": "company", "status": "active",
                                                         "custom.ref_code": "R\x001"})
    assert response.status_code == 400
    assert _errors(response, "custom.ref_code") == [NUL_MESSAGE]
    assert _accounts(alpha) == before


def test_a_nul_in_a_saved_view_name_is_refused(team, alpha):
    response = login(team.owner).post("/views/save/", {"path": "/accounts/", "name": "My\x00view", "query": "q=a"},
                                      follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [NUL_MESSAGE]
    with schema_context(alpha.schema_name):
        assert SavedView.objects.count() == 0
