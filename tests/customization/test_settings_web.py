"""The configuration settings pages (/settings/config/): who may open them, and that every change made there
goes through the services — new versions, order, archive and restore, conflicts, errors next to their
inputs, stage moves, the JSON document, history, rollback and presets — in both languages."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.customization import services as config_services
from core.customization.current import current_config, default_document
from core.customization.models import ConfigVersion
from core.records import services as record_services
from core.records.models import Deal
from core.users.services import user_update_profile
from tests.factories import PASSWORD
from tests.records.conftest import api_for

HOST = "alpha.localhost"
BASE = "/settings/config/"


def _login(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    response = client.post("/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _field(key: str, **extra) -> dict:
    return {"key": key, "type": "text", "label": {"zh-hans": f"字段{key}", "en": f"Field {key}"}, **extra}


def _save(alpha, actor, change) -> int:
    """Save a version through the service: `change(document)` edits a copy of the version in force."""
    with schema_context(alpha.schema_name):
        config = current_config()
        document = copy.deepcopy(dict(config.document))
        change(document)
        version = config_services.config_save(actor=actor, document=document, base_version=config.number)
        return version.number


def _versions(alpha) -> list[int]:
    with schema_context(alpha.schema_name):
        return list(ConfigVersion.objects.order_by("number").values_list("number", flat=True))


def _document(alpha, number: int | None = None) -> dict:
    with schema_context(alpha.schema_name):
        if number is None:
            return copy.deepcopy(dict(current_config().document))
        return ConfigVersion.objects.get(number=number).document


def _base(html: str) -> int:
    return int(re.search(r'name="base_version" value="(\d+)"', html).group(1))


def _field_post(base: int, **values) -> dict:
    data = {"base_version": str(base), "type": "text", "label_zh": "预算编号", "label_en": "Budget code",
            "key": "budget_code"}
    data.update({name: value for name, value in values.items() if value is not None})
    return data


def _error_for(html: str, name: str) -> str:
    found = re.findall(rf'<p class="field-error" data-error-for="{re.escape(name)}">(.*?)</p>', html, re.S)
    return " ".join(found)


def _account(team, alpha):
    with schema_context(alpha.schema_name):
        return record_services.account_create(actor=team.owner, data={"name": "杭州示例科技有限公司"})


# --- pages and roles -----------------------------------------------------------------------------

def _pages() -> list[str]:
    return [BASE, f"{BASE}fields/deal/", f"{BASE}fields/account/", f"{BASE}fields/deal/new/",
            f"{BASE}fields/deal/edit/budget_code/", f"{BASE}pipelines/", f"{BASE}pipelines/new/",
            f"{BASE}pipelines/edit/new_business/", f"{BASE}json/", f"{BASE}history/",
            f"{BASE}history/?from=0&to=1", f"{BASE}history/0/rollback/", f"{BASE}presets/saas-subscriptions/"]


@pytest.mark.parametrize("role", ["owner", "admin"])
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "自定义字段"), ("en", "Custom fields")])
def test_every_page_renders_for_owners_and_admins_in_both_languages(team, alpha, role, language, words):
    # given a field on deals and an admin or owner who reads the given language
    user = getattr(team, role)
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    with schema_context(alpha.schema_name):
        user_update_profile(user=user, language=language)
    client = _login(user)
    for url in _pages():
        # when they open each page
        response = client.get(url)
        html = response.content.decode()
        # then it renders in their language, with the configuration's own navigation
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in html, url
        assert 'data-testid="config-subnav"' in html and words in html, url
    # and the main navigation links to the configuration for them
    assert 'data-testid="nav-config"' in client.get("/home/").content.decode()


@pytest.mark.parametrize("role", ["member", "viewer", "manager"])
def test_other_roles_get_403_and_change_nothing(team, alpha, role):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    client = _login(getattr(team, role))
    for url in _pages():
        assert client.get(url).status_code == 403, url
    posts = {f"{BASE}fields/deal/new/": _field_post(1, key="other"),
             f"{BASE}fields/deal/order/": {"base_version": "1", "order": ["budget_code"]},
             f"{BASE}fields/deal/archive/budget_code/": {"base_version": "1", "archived": "1"},
             f"{BASE}fields/deal/preview/": _field_post(1),
             f"{BASE}pipelines/action/new_business/": {"base_version": "1", "action": "archive"},
             f"{BASE}json/": {"base_version": "1", "text": "{}", "action": "save"},
             f"{BASE}history/0/rollback/": {"base_version": "1"},
             f"{BASE}presets/blank/": {"base_version": "1"}}
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert _versions(alpha) == [1]
    assert 'data-testid="nav-config"' not in client.get("/home/").content.decode()


def test_anonymous_visitors_are_asked_to_log_in(alpha):
    response = Client(HTTP_HOST=HOST).get(BASE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- custom fields -------------------------------------------------------------------------------

def test_adding_a_field_creates_version_1_with_it(team, alpha):
    client = _login(team.admin)
    page = client.get(f"{BASE}fields/deal/new/").content.decode()
    assert _base(page) == 0
    # the admin fills in a select field with two options, roles and a section
    data = _field_post(0, key="tier", type="select", label_zh="客户等级", label_en="Tier", help_en="How big",
                       help_zh="规模", required="on", section="Qualification", visible_to=["owner", "admin"],
                       note="tiers for deals")
    data |= {"option": ["o0", "o1", "o2"], "option-o0-key": "gold", "option-o0-label_zh": "金牌",
             "option-o0-label_en": "Gold", "option-o0-color": "#d4a017", "option-o1-key": "silver",
             "option-o1-label_zh": "银牌", "option-o1-label_en": "Silver", "option-o2-key": "",
             # inputs of other types are ignored for a select field
             "min": "5", "regex_pattern": "^x$"}
    response = client.post(f"{BASE}fields/deal/new/", data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"{BASE}fields/deal/"
    # then version 1 holds exactly that field, by the admin, with the note
    assert _versions(alpha) == [1]
    with schema_context(alpha.schema_name):
        version = ConfigVersion.objects.get(number=1)
        assert (version.author_id, version.note) == (team.admin.pk, "tiers for deals")
    assert version.document["custom_fields"]["deal"] == [{
        "key": "tier", "type": "select", "label": {"zh-hans": "客户等级", "en": "Tier"},
        "help": {"zh-hans": "规模", "en": "How big"}, "required": True,
        "options": [{"key": "gold", "label": {"zh-hans": "金牌", "en": "Gold"}, "color": "#d4a017"},
                    {"key": "silver", "label": {"zh-hans": "银牌", "en": "Silver"}}],
        "visible_to": ["owner", "admin"], "section": "Qualification"}]
    # and the list shows it, the preview draws its menu
    html = client.get(f"{BASE}fields/deal/").content.decode()
    assert 'data-testid="field-row-tier"' in html
    assert '<option value="gold">金牌</option>' in html  # the admin's language is the workspace's (zh-hans)


def test_editing_keeps_the_key_and_what_the_form_does_not_edit(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code", default="AB1", order=3)))
    client = _login(team.owner)
    page = client.get(f"{BASE}fields/deal/edit/budget_code/").content.decode()
    assert re.search(r'name="key"[^>]*readonly', page)
    # a tampered key is ignored: the saved key stays
    response = client.post(f"{BASE}fields/deal/edit/budget_code/", _field_post(
        1, key="renamed", original="budget_code", label_en="Budget", label_zh="预算", max_length="20"))
    assert response.status_code == 302, response.content.decode()
    spec = _document(alpha, 2)["custom_fields"]["deal"][0]
    assert spec == {"key": "budget_code", "type": "text", "label": {"zh-hans": "预算", "en": "Budget"},
                    "max_length": 20, "default": "AB1", "order": 3}


def test_the_live_preview_draws_the_field_being_edited(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("first")))
    client = _login(team.owner)
    response = client.post(f"{BASE}fields/deal/preview/", _field_post(
        1, key="due", type="date", label_en="Due", label_zh="到期日", min="2026-01-01", help_zh="合同到期"),
        HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-preview-field="first"' in html
    assert re.search(r'class="field is-editing" data-preview-field="due"', html)
    assert '<input type="date" id="preview-due" min="2026-01-01">' in html
    assert "合同到期" in html
    assert _versions(alpha) == [1]  # nothing saved


def _three_fields(alpha, team) -> None:
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).__setitem__(
        "deal", [_field("a"), _field("b"), _field("c")]))


def test_reordering_saves_the_order(team, alpha):
    _three_fields(alpha, team)
    client = _login(team.owner)
    # dragged (the script posts the new order) ...
    response = client.post(f"{BASE}fields/deal/order/", {"base_version": "1", "order": ["c", "a", "b"]})
    assert response.status_code == 302
    specs = _document(alpha, 2)["custom_fields"]["deal"]
    assert {s["key"]: s["order"] for s in specs} == {"c": 1, "a": 2, "b": 3}
    # ... or moved with a button, from htmx: the list comes back with the new version and an event
    response = client.post(f"{BASE}fields/deal/order/", {"base_version": "2", "order": ["c", "a", "b"],
                                                          "move": "b:up"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"config-saved": {"version": 3}}
    assert _base(html) == 3
    assert re.findall(r'data-testid="field-row-(\w+)"', html) == ["c", "b", "a"]
    assert 'hx-swap-oob="true"' in html  # the preview follows
    specs = _document(alpha, 3)["custom_fields"]["deal"]
    assert {s["key"]: s["order"] for s in specs} == {"c": 1, "b": 2, "a": 3}
    # the same order again saves nothing
    assert client.post(f"{BASE}fields/deal/order/", {"base_version": "3", "order": ["c", "b", "a"]}
                       ).status_code == 302
    assert _versions(alpha) == [1, 2, 3]


def test_an_edit_that_changes_nothing_saves_no_version(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = _login(team.owner)
    # the field saved again as it is, and a restore of a field that is not archived
    unchanged = _field_post(1, original="budget_code", label_zh="字段budget_code", label_en="Field budget_code")
    response = client.post(f"{BASE}fields/deal/edit/budget_code/", unchanged, follow=True)
    assert response.redirect_chain == [(f"{BASE}fields/deal/", 302)]
    assert "Nothing changed, so no new version was saved." in response.content.decode()
    response = client.post(f"{BASE}fields/deal/archive/budget_code/", {"base_version": "1", "archived": "0"})
    assert (response.status_code, response["Location"]) == (302, f"{BASE}fields/deal/")
    assert _versions(alpha) == [1]


def test_archive_keeps_stored_values_and_restore_brings_them_back(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    account = _account(team, alpha)
    with schema_context(alpha.schema_name):
        deal = record_services.deal_create(actor=team.owner, data={
            "name": "年度框架合同", "account": account.pk, "custom": {"budget_code": "AB123"}})
    api = api_for(team.owner)
    assert api.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {"budget_code": "AB123"}
    client = _login(team.owner)
    # archive
    response = client.post(f"{BASE}fields/deal/archive/budget_code/", {"base_version": "1", "archived": "1"})
    assert response.status_code == 302
    assert _document(alpha, 2)["custom_fields"]["deal"][0]["archived"] is True
    assert api.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {}
    with schema_context(alpha.schema_name):
        assert Deal.objects.get(pk=deal.pk).custom == {"budget_code": "AB123"}  # still stored
    html = client.get(f"{BASE}fields/deal/").content.decode()
    assert 'data-testid="archived-row-budget_code"' in html and 'data-testid="field-row-budget_code"' not in html
    # restore
    response = client.post(f"{BASE}fields/deal/archive/budget_code/", {"base_version": "2", "archived": "0"})
    assert response.status_code == 302
    assert "archived" not in _document(alpha, 3)["custom_fields"]["deal"][0]
    assert api.get(f"/api/v1/deals/{deal.pk}").json()["custom"] == {"budget_code": "AB123"}


def test_a_stale_base_shows_the_conflict_with_a_reload_link(team, alpha):
    client = _login(team.owner)
    page = client.get(f"{BASE}fields/deal/new/").content.decode()
    assert _base(page) == 0
    # meanwhile another admin saves version 1
    _save(alpha, team.admin, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("other")))
    response = client.post(f"{BASE}fields/deal/new/", _field_post(0))
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="config-conflict"' in html
    assert f'href="{BASE}fields/deal/new/" data-testid="config-reload"' in html
    assert 'value="budget_code"' in html  # what the admin typed is still there
    assert _versions(alpha) == [1]
    # the other writes refuse a stale base too
    assert client.post(f"{BASE}fields/deal/order/", {"base_version": "0", "order": ["other"]}).status_code == 409
    assert client.post(f"{BASE}json/", {"base_version": "0", "text": json.dumps(default_document()),
                                        "action": "save"}).status_code == 409
    assert _versions(alpha) == [1]


def test_an_invalid_regex_is_shown_next_to_its_input(team, alpha):
    client = _login(team.owner)
    response = client.post(f"{BASE}fields/deal/new/", _field_post(
        0, regex_pattern="([a-", regex_message_zh="格式如 AB123", regex_message_en="Like AB123",
        label_zh=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "regular expression" in _error_for(html, "regex_pattern") or "正则" in _error_for(html, "regex_pattern")
    assert _error_for(html, "label_zh")  # the empty Chinese label, next to its own input
    assert not _error_for(html, "key")
    assert _versions(alpha) == []


def test_a_duplicate_key_is_shown_next_to_the_key(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = _login(team.owner)
    response = client.post(f"{BASE}fields/deal/new/", _field_post(1))
    html = response.content.decode()
    assert response.status_code == 400
    assert "budget_code" in _error_for(html, "key") and "unique" in _error_for(html, "key")
    assert _versions(alpha) == [1]


def test_option_errors_are_shown_on_their_row(team, alpha):
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = _login(team.owner)
    data = _field_post(0, key="tier", type="select") | {
        "option": ["o0", "o1"], "option-o0-key": "Gold Tier", "option-o0-label_zh": "金",
        "option-o0-label_en": "Gold", "option-o1-key": "silver", "option-o1-label_zh": "银",
        "option-o1-label_en": "Silver", "option-o1-color": "red"}
    html = client.post(f"{BASE}fields/deal/new/", data).content.decode()
    assert "lowercase" in _error_for(html, "option-o0-key")
    assert "colour" in _error_for(html, "option-o1-color")
    # a select field without options: the message sits on the options
    html = client.post(f"{BASE}fields/deal/new/", _field_post(0, key="tier", type="select")).content.decode()
    assert _error_for(html, "options")
    assert _versions(alpha) == []


def test_add_option_without_the_script_adds_a_row_and_saves_nothing(team, alpha):
    client = _login(team.owner)
    data = _field_post(0, key="tier", type="select") | {"option": ["o0"], "option-o0-key": "gold",
                                                        "add_option": "1"}
    response = client.post(f"{BASE}fields/deal/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="option-row"') == 3  # the posted row, the new one, the template's
    assert 'value="gold"' in html
    assert _versions(alpha) == []


# --- pipelines -----------------------------------------------------------------------------------

def _pipeline_post(page: str, **changes) -> dict:
    """The pipeline form as the browser would post it, from its rendered inputs."""
    data: dict[str, list[str]] = {}
    for tag in re.finditer(r"<(input|select|textarea)\b([^>]*)>(.*?)(?=<)", page, re.S):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(2)))
        name = attrs.get("name")
        if not name or "__ROW__" in name:
            continue
        if tag.group(1) == "input":
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in tag.group(2):
                continue
            data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag.group(1) == "textarea":
            data.setdefault(name, []).append(tag.group(3))
    for select in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        if "__ROW__" in select.group(1):
            continue
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        data[select.group(1)] = [chosen.group(1) if chosen else ""]
    data.pop("csrfmiddlewaretoken", None)
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return data


def test_pipeline_edit_saves_stages_in_order_with_their_settings(team, alpha):
    client = _login(team.owner)
    page = client.get(f"{BASE}pipelines/edit/new_business/").content.decode()
    data = _pipeline_post(page)
    # reorder: negotiation before proposal; the proposal stage gets a gate and a colour
    data["stage"] = ["s0", "s1", "s3", "s2", "s4", "s5"]
    data |= {"stage-s2-required_fields": ["amount", "expected_close_date"], "stage-s2-color": ["#3b82f6"],
             "stage-s2-stale_after_days": ["14"],
             "stage-s2-entry_condition": ['{"field": "amount", "op": "gte", "value": 1000}']}
    response = client.post(f"{BASE}pipelines/edit/new_business/", data)
    assert response.status_code == 302, response.content.decode()
    stages = _document(alpha, 1)["pipelines"][0]["stages"]
    assert [s["key"] for s in stages] == ["initial_contact", "needs_analysis", "negotiation", "proposal", "won",
                                          "lost"]
    assert stages[3] | {} == {"key": "proposal", "label": {"zh-hans": "方案报价", "en": "Proposal"},
                              "probability": 50, "kind": "open", "color": "#3b82f6",
                              "required_fields": ["amount", "expected_close_date"], "stale_after_days": 14,
                              "entry_condition": {"field": "amount", "op": "gte", "value": 1000}}


def test_pipeline_errors_are_shown_on_their_stage(team, alpha):
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = _login(team.owner)
    page = client.get(f"{BASE}pipelines/edit/new_business/").content.decode()
    data = _pipeline_post(page, **{"stage-s1-probability": "150", "stage-s2-entry_condition": "{not json",
                                   "stage-s3-required_fields": ["custom.nope"]})
    html = client.post(f"{BASE}pipelines/edit/new_business/", data).content.decode()
    assert "not valid JSON" in _error_for(html, "stage-s2-entry_condition")
    assert _versions(alpha) == []
    data["stage-s2-entry_condition"] = [""]
    html = client.post(f"{BASE}pipelines/edit/new_business/", data).content.decode()
    assert "too large" in _error_for(html, "stage-s1-probability")
    # structure first, then meaning: a required field that deals do not have
    data["stage-s1-probability"] = ["30"]
    html = client.post(f"{BASE}pipelines/edit/new_business/", data).content.decode()
    assert "custom.nope" in _error_for(html, "stage-s3-required_fields")
    assert _versions(alpha) == []


def test_removing_a_stage_that_holds_deals_asks_where_they_go(team, alpha):
    account = _account(team, alpha)
    with schema_context(alpha.schema_name):
        deals = [record_services.deal_create(actor=team.owner, data={
            "name": f"Deal {n}", "account": account.pk, "stage": "proposal"}) for n in range(2)]
    client = _login(team.owner)
    page = client.get(f"{BASE}pipelines/edit/new_business/").content.decode()
    # the admin removes "proposal"
    data = _pipeline_post(page, **{"stage-s2-remove": "1"})
    response = client.post(f"{BASE}pipelines/edit/new_business/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="stage-moves"' in html
    assert 'name="move-new_business.proposal"' in html
    assert 'value="new_business.negotiation"' in html and 'value="new_business.proposal"' not in html
    assert _versions(alpha) == []
    # then chooses where the deals go and saves again
    data = _pipeline_post(html, **{"move-new_business.proposal": "new_business.negotiation"})
    assert data["stage-s2-remove"] == ["1"]  # the removal is still ticked
    response = client.post(f"{BASE}pipelines/edit/new_business/", data)
    assert response.status_code == 302, response.content.decode()
    assert [s["key"] for s in _document(alpha, 1)["pipelines"][0]["stages"]] == [
        "initial_contact", "needs_analysis", "negotiation", "won", "lost"]
    with schema_context(alpha.schema_name):
        assert sorted(Deal.objects.filter(pk__in=[d.pk for d in deals]).values_list("stage", flat=True)) == [
            "negotiation", "negotiation"]


def test_add_a_pipeline_and_make_it_the_default_then_archive_the_old_one(team, alpha):
    client = _login(team.owner)
    page = client.get(f"{BASE}pipelines/new/").content.decode()
    data = _pipeline_post(page, key="renewals", label_zh="续约", label_en="Renewals", default="on")
    data |= {"stage-a1-label_zh": "到期", "stage-a1-label_en": "Due", "stage-a1-key": "due",
             "stage-a1-probability": "40", "stage-a2-label_zh": "续约", "stage-a2-label_en": "Renewed",
             "stage-a2-key": "renewed", "stage-a3-label_zh": "流失", "stage-a3-label_en": "Churned",
             "stage-a3-key": "churned"}
    response = client.post(f"{BASE}pipelines/new/", data)
    assert response.status_code == 302, response.content.decode()
    pipelines = _document(alpha, 1)["pipelines"]
    assert [(p["key"], p.get("default", False)) for p in pipelines] == [("new_business", False), ("renewals", True)]
    assert [(s["key"], s["kind"], s["probability"]) for s in pipelines[1]["stages"]] == [
        ("due", "open", 40), ("renewed", "won", 100), ("churned", "lost", 0)]
    # archive the old one from the list
    response = client.post(f"{BASE}pipelines/action/new_business/", {"base_version": "1", "action": "archive"})
    assert response.status_code == 302
    assert _document(alpha, 2)["pipelines"][0]["archived"] is True
    # archiving the only live default is refused with the service's message
    response = client.post(f"{BASE}pipelines/action/renewals/", {"base_version": "2", "action": "archive"})
    assert response.status_code == 400
    assert 'data-testid="config-errors"' in response.content.decode()
    assert _versions(alpha) == [1, 2]


# --- the JSON document ---------------------------------------------------------------------------

def test_json_upload_with_errors_lists_them_and_saves_nothing(team, alpha):
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = _login(team.owner)
    page = client.get(f"{BASE}json/").content.decode()
    assert "&quot;new_business&quot;" in page  # the document, pretty-printed in the text area
    bad = default_document()
    bad["pipelines"][0]["stages"][2]["probability"] = 150
    bad["custom_fields"] = {"deal": [_field("x", colour="red")]}
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "config.json"
    response = client.post(f"{BASE}json/", {"base_version": "0", "text": "", "upload": upload, "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    errors = re.search(r'data-testid="config-errors">(.*?)</ul>', html, re.S).group(1)
    assert "$.pipelines[0].stages[2].probability" in errors
    assert "$.custom_fields.deal[0].colour" in errors
    assert "&quot;colour&quot;: &quot;red&quot;" in html  # the uploaded text is shown for correcting
    # text that is not JSON at all
    response = client.post(f"{BASE}json/", {"base_version": "0", "text": "{oops", "action": "save"})
    assert response.status_code == 400
    assert "not valid JSON" in _error_for(response.content.decode(), "text")
    assert _versions(alpha) == []


def test_json_validate_is_a_dry_run_and_save_makes_a_version(team, alpha):
    client = _login(team.owner)
    document = default_document()
    document["custom_fields"] = {"lead": [_field("source_detail")]}
    text = json.dumps(document, ensure_ascii=False)
    response = client.post(f"{BASE}json/", {"base_version": "0", "text": text, "action": "validate"})
    assert response.status_code == 200
    assert 'data-testid="json-valid"' in response.content.decode()
    assert _versions(alpha) == []
    response = client.post(f"{BASE}json/", {"base_version": "0", "text": text, "action": "save", "note": "json"})
    assert response.status_code == 302
    assert _document(alpha, 1) == document
    # the download is the document in force, as a file
    download = client.get(f"{BASE}json/download/")
    assert download["Content-Disposition"] == 'attachment; filename="alpha-config-v1.json"'
    assert json.loads(download.content) == document
    assert json.loads(client.get(f"{BASE}json/download/?version=0").content) == default_document()


# --- history, rollback, presets ------------------------------------------------------------------

def test_history_diff_and_rollback(team, alpha):
    _save(alpha, team.owner, lambda d: d.setdefault("custom_fields", {}).setdefault("deal", []).append(
        _field("budget_code")))
    _save(alpha, team.admin, lambda d: d["custom_fields"]["deal"][0]["label"].__setitem__("en", "Budget"))
    first = _document(alpha, 1)
    client = _login(team.owner)
    html = client.get(f"{BASE}history/").content.decode()
    assert re.findall(r'<tr data-version="(\d+)">', html) == ["2", "1", "0"]
    assert "admin@alpha.test" in html
    # the diff between two versions, by path
    html = client.get(f"{BASE}history/?from=1&to=2").content.decode()
    table = re.search(r'data-testid="diff-table">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<tr data-path="([^"]+)" data-change="(\w+)">', table) == [
        ("$.custom_fields.deal.budget_code.label.en", "changed")]
    assert "&quot;Field budget_code&quot;" in table and "&quot;Budget&quot;" in table
    # roll back to version 1: a confirmation first, then a new version 3 equal to it
    confirm = client.get(f"{BASE}history/1/rollback/")
    assert confirm.status_code == 200 and _base(confirm.content.decode()) == 2
    assert _versions(alpha) == [1, 2]
    response = client.post(f"{BASE}history/1/rollback/", {"base_version": "2", "note": ""})
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        version = ConfigVersion.objects.get(number=3)
        assert (version.rolled_back_to, version.document) == (1, first)
    html = client.get(f"{BASE}history/").content.decode()
    assert 'data-testid="rollback-marker"' in html
    # a stale confirmation page is a conflict
    assert client.post(f"{BASE}history/1/rollback/", {"base_version": "2"}).status_code == 409
    assert client.get(f"{BASE}history/9/rollback/").status_code == 404


def test_presets_are_listed_in_the_users_language_and_applied_after_confirmation(team, alpha):
    client = _login(team.owner)  # zh-hans
    html = client.get(BASE).content.decode()
    assert "SaaS 订阅" in html and "按席位订阅的软件业务" in html
    assert 'data-testid="current-version">v0<' in html
    confirm = client.get(f"{BASE}presets/saas-subscriptions/")
    assert confirm.status_code == 200 and 'data-testid="diff-table"' in confirm.content.decode()
    assert _versions(alpha) == []
    response = client.post(f"{BASE}presets/saas-subscriptions/", {"base_version": "0"})
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        version = ConfigVersion.objects.get(number=1)
        assert version.preset == "saas-subscriptions"
        assert [p["key"] for p in version.document["pipelines"]] == ["new_business", "renewals"]
    html = client.get(BASE).content.decode()
    assert 'data-testid="current-version">v1<' in html
    assert client.get(f"{BASE}presets/nope/").status_code == 404


def test_a_preset_that_drops_stages_holding_deals_asks_where_they_go(team, alpha):
    account = _account(team, alpha)
    with schema_context(alpha.schema_name):
        deal = record_services.deal_create(actor=team.owner, data={"name": "D", "account": account.pk})
    assert deal.stage == "initial_contact"  # a stage the SaaS preset does not have
    client = _login(team.owner)
    response = client.post(f"{BASE}presets/saas-subscriptions/", {"base_version": "0"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="move-new_business.initial_contact"' in html and 'value="renewals.upcoming"' in html
    assert _versions(alpha) == []
    response = client.post(f"{BASE}presets/saas-subscriptions/", {
        "base_version": "0", "move-new_business.initial_contact": "new_business.qualified"})
    assert response.status_code == 302
    with schema_context(alpha.schema_name):
        assert ConfigVersion.objects.get(number=1).preset == "saas-subscriptions"
    with schema_context(alpha.schema_name):
        assert Deal.objects.get(pk=deal.pk).stage == "qualified"
    assert _versions(alpha) == [1]
