"""Exports cannot carry a formula into the spreadsheet of whoever opens them (CSV injection).

A text cell starting with =, +, -, @, tab or carriage return gets a leading ' (OWASP), through
core.web.spreadsheet. That includes data that only looks like a formula: a spreadsheet cannot tell
the phone number +8613800138000 from `+1+cmd`, so it is exported as '+8613800138000.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.customization import services as config
from core.customization.current import default_document
from core.records import services as records
from core.web.spreadsheet import safe_cell
from tests.factories import PASSWORD
from tests.records.conftest import api_for

LABEL = {"zh-hans": "字段", "en": "Field"}
HYPERLINK = '=HYPERLINK("http://x")'


@pytest.fixture
def tricky_account(team, alpha):
    with schema_context(alpha.schema_name):
        document = default_document()
        document["custom_fields"] = {"account": [
            {"key": "hotline", "type": "text", "label": LABEL},
            {"key": "memo", "type": "text", "label": LABEL},
            {"key": "balance", "type": "integer", "label": LABEL},
            {"key": "labels", "type": "tags", "label": LABEL}]}
        config.config_save(actor=team.owner, document=document, base_version=0)
        records.account_create(actor=team.owner, data={"name": HYPERLINK, "owner": team.member.pk, "custom": {
            "hotline": "+8613800138000", "memo": "@SUM(A1:A9)", "balance": -5, "labels": ["-2+3", "ok"]}})
        records.account_create(actor=team.owner, data={"name": "Plain Trading", "owner": team.member.pk,
                                                       "custom": {"memo": "a = b", "balance": 7}})


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))  # in the order of creation


def _assert_neutralised(rows: list[dict[str, str]]) -> None:
    tricky, plain = rows
    assert plain["name"] == "Plain Trading" and tricky["name"] == "'" + HYPERLINK
    assert tricky["custom.hotline"] == "'+8613800138000"
    assert tricky["custom.memo"] == "'@SUM(A1:A9)"
    assert tricky["custom.balance"] == "'-5"
    assert tricky["custom.labels"] == "'-2+3、ok"  # the display value of the tags, one cell
    assert (plain["custom.memo"], plain["custom.balance"]) == ("a = b", "7")  # nothing else changes
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_api_export_neutralises_formula_cells(team, tricky_account):
    _assert_neutralised(_rows(api_for(team.member).get("/api/v1/accounts/export")))


def test_the_export_from_a_logged_in_browser_is_neutralised_too(team, tricky_account):
    browser = Client(HTTP_HOST="alpha.localhost")
    assert browser.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    _assert_neutralised(_rows(browser.get("/api/v1/accounts/export")))


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-", "'-"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("a=1", "a=1"), ("", ""), (" =1", " =1"), (-5, -5), (None, None), ("'=1", "'=1"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
