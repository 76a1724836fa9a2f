"""Custom fields on the web pages, like built-in ones: forms (inputs generated from the configuration, the
service's errors next to them, roles that may not change or not see a field), record pages, list columns
and filters, CSV export — and one rule for every write path (form, API, service, board)."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.activities import services as activity_services
from core.activities.models import Activity
from core.campaigns import services as campaign_services
from core.campaigns.models import Campaign
from core.customization import services as config
from core.customization.current import default_document
from core.customization.records import plain
from core.leads import services as lead_services
from core.leads.models import Lead
from core.records import services as records
from core.records.models import Account, Contact, Deal
from core.service import services as ticket_services
from core.service.models import Ticket
from tests.records.conftest import api_for
from tests.web.conftest import login


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "en": en}


REF = {"key": "ref_code", "type": "text", "label": _label("参考编号", "Reference code"),
       "help": _label("客户给的编号", "The customer's number")}

DEAL_FIELDS = [
    REF,
    {"key": "seats", "type": "integer", "label": _label("席位数", "Seats"), "min": 1, "max": 1000},
    {"key": "budget", "type": "decimal", "label": _label("预算", "Budget"), "indexed": True, "min": 0},
    {"key": "tier", "type": "select", "label": _label("等级", "Tier"), "indexed": True,
     "options": [{"key": "gold", "label": _label("金牌", "Gold")},
                 {"key": "silver", "label": _label("银牌", "Silver")}]},
    {"key": "quote", "type": "money", "label": _label("报价", "Quote"), "section": "合同"},
    {"key": "site", "type": "region", "label": _label("项目地点", "Site"), "section": "合同"},
    {"key": "labels", "type": "tags", "label": _label("标签", "Labels")},
    {"key": "modules", "type": "multi_select", "label": _label("模块", "Modules"),
     "options": [{"key": "crm", "label": _label("客户管理", "CRM")},
                 {"key": "erp", "label": _label("资源计划", "ERP")}]},
    {"key": "signed", "type": "boolean", "label": _label("已签约", "Signed")},
    {"key": "kickoff", "type": "date", "label": _label("启动日期", "Kick-off")},
    {"key": "meeting", "type": "datetime", "label": _label("评审会", "Review meeting")},
    {"key": "sponsor", "type": "user", "label": _label("发起人", "Sponsor"), "indexed": True},
    {"key": "partner", "type": "link", "link_entity": "account", "label": _label("合作伙伴", "Partner")},
    {"key": "id_number", "type": "text", "label": _label("证件号", "ID number"), "sensitive": True},
    {"key": "approved_by", "type": "text", "label": _label("审批意见", "Approval"),
     "editable_by": ["owner", "admin"]},
    {"key": "internal", "type": "text", "label": _label("内部备注", "Internal note"),
     "visible_to": ["owner", "admin"]},
]


def _document(extra: dict | None = None) -> dict:
    document = default_document()
    document["custom_fields"] = {entity: [copy.deepcopy(REF)]
                                 for entity in ("account", "contact", "lead", "ticket", "activity", "campaign")}
    document["custom_fields"]["account"].append(
        {"key": "region_code", "type": "text", "label": _label("大区", "Region code"), "indexed": True})
    document["custom_fields"]["deal"] = copy.deepcopy(DEAL_FIELDS)
    for entity, fields in (extra or {}).items():
        document["custom_fields"][entity] = fields
    return document


def _save(team, alpha, document) -> None:
    with schema_context(alpha.schema_name):
        from core.customization.current import current_version

        config.config_save(actor=team.owner, document=document, base_version=current_version())


@pytest.fixture
def configured(team, alpha):
    _save(team, alpha, _document())


@pytest.fixture
def account(team, alpha):
    with schema_context(alpha.schema_name):
        return records.account_create(actor=team.member, data={"name": "自定义字段公司"})


def _html(response) -> str:
    return response.content.decode()


def _errors(response, name: str) -> list[str]:
    return re.findall(rf'data-error-for="{re.escape(name)}">([^<]*)<', _html(response))


# --- create forms of every entity ------------------------------------------------------------------

def _create_cases(team, account):
    return {
        "account": ("/accounts/new/", team.member, {"name": "表单公司", "kind": "company", "status": "active"},
                    Account, {"name": "表单公司"}),
        "contact": ("/contacts/new/", team.member, {"name": "表单联系人", "account": account.pk}, Contact,
                    {"name": "表单联系人"}),
        "deal": ("/deals/new/", team.member, {"name": "表单商机", "account": account.pk, "amount": "10",
                                              "currency": "CNY", "stage": "initial_contact"}, Deal,
                 {"name": "表单商机"}),
        "lead": ("/leads/new/", team.member, {"name": "表单线索", "status": "new"}, Lead, {"name": "表单线索"}),
        "ticket": (f"/tickets/new/?account={account.pk}", team.member,
                   {"account": account.pk, "subject": "表单工单", "channel": "phone", "priority": "normal"},
                   Ticket, {"subject": "表单工单"}),
        "activity": (f"/activities/new/?account={account.pk}", team.member,
                     {"kind": "call", "subject": "表单活动", "account": account.pk}, Activity,
                     {"subject": "表单活动"}),
        "campaign": ("/campaigns/new/", team.owner, {"name": "表单活动计划", "channel": "event", "status": "planned",
                                                     "start_date": "2026-03-01", "budget": "100",
                                                     "currency": "CNY"}, Campaign, {"name": "表单活动计划"}),
    }


@pytest.mark.parametrize("entity", ["account", "contact", "deal", "lead", "ticket", "activity", "campaign"])
def test_the_create_form_shows_the_custom_field_and_saving_stores_it(team, alpha, configured, account, entity):
    url, user, data, model, lookup = _create_cases(team, account)[entity]
    client = login(user)
    page = client.get(url)
    assert page.status_code == 200
    html = _html(page)
    assert 'name="custom.ref_code"' in html and "参考编号" in html and "客户给的编号" in html
    response = client.post(url, {**data, "custom.ref_code": " R-1 "})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    with schema_context(alpha.schema_name):
        record = model.objects.get(**lookup)
    assert record.custom["ref_code"] == "R-1"
    # the edit form shows the stored value; a change is saved, an unchanged value is not sent again
    edit_url = {"account": f"/accounts/{record.pk}/edit/", "contact": f"/contacts/{record.pk}/edit/",
                "deal": f"/deals/{record.pk}/edit/", "lead": f"/leads/{record.pk}/edit/",
                "ticket": f"/tickets/{record.pk}/edit/", "activity": f"/activities/{record.pk}/edit/",
                "campaign": f"/campaigns/{record.pk}/edit/"}[entity]
    edit = client.get(edit_url)
    assert edit.status_code == 200 and 'value="R-1"' in _html(edit)
    form = edit.context["form"]
    posted = {name: value for name, value in form.initial.items() if value is not None}
    posted["custom.ref_code"] = "R-2"
    assert client.post(edit_url, posted).status_code == 302
    with schema_context(alpha.schema_name):
        record.refresh_from_db()
    assert record.custom["ref_code"] == "R-2"


def test_every_type_round_trips_through_the_deal_form(team, alpha, configured, account):
    client = login(team.member)
    page = _html(client.get("/deals/new/"))
    # a section is a fieldset; the user menu lists colleagues, the link menu visible accounts
    assert re.search(r'<fieldset class="custom-section" data-section="合同">.*?custom\.quote_0.*?custom\.site_2.*?'
                     r'</fieldset>', page, re.S)
    assert f'<option value="{team.member2.pk}">Member2</option>' in page
    assert f'<option value="{account.pk}">自定义字段公司</option>' in page
    response = client.post("/deals/new/", {
        "name": "全类型", "account": account.pk, "amount": "1", "currency": "CNY", "stage": "initial_contact",
        "custom.seats": "12", "custom.budget": "1,500.5", "custom.tier": "gold",
        "custom.quote_0": "12.5", "custom.quote_1": "USD", "custom.site_0": "浙江省", "custom.site_1": "杭州市",
        "custom.site_2": "", "custom.labels": "重点, 续约，重点", "custom.modules": ["erp", "crm"],
        "custom.signed": "true", "custom.kickoff": "2026-05-01", "custom.meeting": "2026-05-02T14:30",
        "custom.sponsor": str(team.member2.pk), "custom.partner": str(account.pk), "custom.id_number": "110101199001011234",
    })
    assert response.status_code == 302, response.context["form"].errors
    with schema_context(alpha.schema_name):
        deal = Deal.objects.get(name="全类型")
        values = plain(deal.custom)
    assert values == {
        "seats": 12, "budget": "1500.50", "tier": "gold", "quote": {"amount": "12.50", "currency": "USD"},
        "site": {"province": "浙江省", "city": "杭州市", "district": ""}, "labels": ["重点", "续约"],
        "modules": ["crm", "erp"], "signed": True, "kickoff": "2026-05-01", "meeting": "2026-05-02T14:30:00+08:00",
        "sponsor": team.member2.pk, "partner": account.pk, "id_number": "110101199001011234"}
    # the page shows values as a person reads them; the sensitive one masked
    detail = _html(client.get(f"/deals/{deal.pk}/"))
    block = detail[detail.index('data-testid="custom-fields"'):]
    for shown in ("金牌", "US", "12.50", "浙江省 杭州市", "重点、续约", "客户管理、资源计划", "是", "2026-05-02 14:30",
                  "Member2", "自定义字段公司", "****1234", "1500.50"):
        assert shown in block, shown
    assert "110101199001011234" not in detail
    # the edit form: values back in their inputs, the sensitive one empty (masked in its help) and kept
    edit = client.get(f"/deals/{deal.pk}/edit/")
    html = _html(edit)
    assert 'name="custom.meeting" value="2026-05-02T14:30"' in html
    assert "110101199001011234" not in html and "****1234" in html
    posted = {name: value for name, value in edit.context["form"].initial.items() if value is not None}
    posted.update({"custom.quote_0": "12.50", "custom.quote_1": "USD", "custom.site_0": "浙江省",
                   "custom.site_1": "杭州市", "custom.site_2": "", "custom.modules": ["crm", "erp"]})
    posted["custom.seats"] = "13"
    assert client.post(f"/deals/{deal.pk}/edit/", posted).status_code == 302
    with schema_context(alpha.schema_name):
        deal.refresh_from_db()
        values = plain(deal.custom)
        from core.audit.models import FieldChange

        changed = set(FieldChange.objects.filter(entity="deal", record_id=deal.pk, old_value__isnull=False)
                      .values_list("field", flat=True))
    assert values["seats"] == 13 and values["id_number"] == "110101199001011234"
    assert changed == {"custom.seats"}  # only the changed value was sent
    # ticking "clear" empties the sensitive value on purpose
    assert 'name="custom.id_number__clear"' in html
    posted["custom.seats"] = "13"
    posted["custom.id_number__clear"] = "on"
    cleared = client.post(f"/deals/{deal.pk}/edit/", posted)
    assert cleared.status_code == 302, cleared.context["form"].errors
    with schema_context(alpha.schema_name):
        deal.refresh_from_db()
        assert "id_number" not in plain(deal.custom)


# --- errors next to the fields -----------------------------------------------------------------------

def test_an_invalid_value_is_shown_next_to_its_input_with_the_label(team, alpha, configured, account):
    client = login(team.member)
    response = client.post("/deals/new/", {"name": "坏值", "account": account.pk, "amount": "1", "currency": "CNY",
                                           "stage": "initial_contact", "custom.seats": "abc", "custom.tier": "bronze"})
    assert response.status_code == 400
    seats = _errors(response, "custom.seats")
    assert len(seats) == 1 and seats[0].startswith("席位数")
    assert _errors(response, "custom.tier")[0].startswith("等级")
    assert {"custom.seats", "custom.tier"} <= set(response.context["form"].errors)
    # what was typed stays in the inputs
    assert 'name="custom.seats" value="abc"' in _html(response)
    with schema_context(alpha.schema_name):
        assert not Deal.objects.filter(name="坏值").exists()


def test_a_required_custom_field_is_asked_for_next_to_its_input(team, alpha, account):
    required = {"key": "contract_no", "type": "text", "label": _label("合同编号", "Contract number"),
                "required": True}
    _save(team, alpha, _document({"lead": [required]}))
    client = login(team.member)
    response = client.post("/leads/new/", {"name": "缺编号", "status": "new"})
    assert response.status_code == 400
    message = _errors(response, "custom.contract_no")
    assert len(message) == 1 and message[0].startswith("合同编号")
    assert client.post("/leads/new/", {"name": "有编号", "status": "new",
                                       "custom.contract_no": "HT-1"}).status_code == 302


# --- roles -----------------------------------------------------------------------------------------

def test_a_field_the_role_may_not_change_is_read_only_and_kept(team, alpha, configured, account):
    with schema_context(alpha.schema_name):
        deal = records.deal_create(actor=team.owner, data={"name": "审批", "account": account.pk, "owner": team.member.pk,
                                                           "custom": {"approved_by": "同意"}})
    member = login(team.member)
    edit = member.get(f"/deals/{deal.pk}/edit/")
    field = edit.context["form"].fields["custom.approved_by"]
    assert field.disabled and field.initial == "同意"
    assert re.search(r'<input[^>]*name="custom\.approved_by"[^>]*disabled', _html(edit))
    posted = {name: value for name, value in edit.context["form"].initial.items() if value is not None}
    posted["custom.approved_by"] = "我改的"  # a disabled input: the form ignores what is posted for it
    assert member.post(f"/deals/{deal.pk}/edit/", posted).status_code == 302
    with schema_context(alpha.schema_name):
        deal.refresh_from_db()
    assert deal.custom["approved_by"] == "同意"
    # the owner may change it
    owner_edit = login(team.owner).get(f"/deals/{deal.pk}/edit/")
    assert not owner_edit.context["form"].fields["custom.approved_by"].disabled
    # the API refuses the change for the member, under the same key
    refused = api_for(team.member).patch(f"/api/v1/deals/{deal.pk}", {"custom": {"approved_by": "我改的"}},
                                         format="json")
    assert refused.status_code == 400
    assert [f["path"] for f in refused.json()["error"]["fields"]] == ["custom.approved_by"]


def test_a_hidden_field_is_absent_from_the_form_and_the_page(team, alpha, configured, account):
    with schema_context(alpha.schema_name):
        deal = records.deal_create(actor=team.owner, data={"name": "内部", "account": account.pk, "owner": team.member.pk,
                                                           "custom": {"internal": "只给管理员看"}})
        records.deal_update(actor=team.owner, deal=deal, data={"custom": {"internal": "第二版备注"}})
    member = login(team.member)
    for url in ("/deals/new/", f"/deals/{deal.pk}/edit/", f"/deals/{deal.pk}/", "/deals/list/"):
        html = _html(member.get(url))
        assert "custom.internal" not in html and "内部备注" not in html, url
        assert "只给管理员看" not in html and "第二版备注" not in html, url  # the timeline too
    owner = login(team.owner)
    assert 'name="custom.internal"' in _html(owner.get(f"/deals/{deal.pk}/edit/"))
    page = _html(owner.get(f"/deals/{deal.pk}/"))
    assert "内部备注" in page and "第二版备注" in page


def test_every_detail_page_shows_the_display_value(team, alpha, configured, account):
    with schema_context(alpha.schema_name):
        custom = {"custom": {"ref_code": "REF-9"}}
        contact = records.contact_create(actor=team.member, data={"name": "联系人", "account": account.pk, **custom})
        records.account_update(actor=team.member, account=account, data=custom)
        deal = records.deal_create(actor=team.member, data={"name": "商机", "account": account.pk, **custom})
        lead = lead_services.lead_create(actor=team.member, data={"name": "线索", **custom})
        ticket = ticket_services.ticket_create(actor=team.member, data={"account": account.pk, "subject": "工单",
                                                                         **custom})
        activity_services.activity_create(actor=team.member, data={"kind": "call", "subject": "电话",
                                                                   "account": account.pk, **custom})
        campaign = campaign_services.campaign_create(actor=team.owner, data={"name": "计划", "start_date": "2026-01-01",
                                                                             **custom})
    member = login(team.member)
    for url in (f"/accounts/{account.pk}/", f"/contacts/{contact.pk}/", f"/deals/{deal.pk}/", f"/leads/{lead.pk}/",
                f"/tickets/{ticket.pk}/"):
        html = _html(member.get(url))
        assert re.search(r'<dt>参考编号</dt><dd data-custom="ref_code">REF-9</dd>', html), url
    account_page = _html(member.get(f"/accounts/{account.pk}/"))
    assert 'data-testid="activity-custom"' in account_page  # the activity's value on the account's timeline
    assert re.search(r'<dd data-custom="ref_code">REF-9</dd>', _html(login(team.owner).get(
        f"/campaigns/{campaign.pk}/")))


# --- lists and export ------------------------------------------------------------------------------

def test_the_deal_list_shows_and_filters_an_indexed_decimal(team, alpha, configured, account):
    with schema_context(alpha.schema_name):
        for name, budget, tier in (("小单", "100", "silver"), ("大单", "5000", "gold"), ("无预算", None, None)):
            custom = {"budget": budget, "tier": tier} if budget else {}
            records.deal_create(actor=team.member, data={"name": name, "account": account.pk, "custom": custom})
    client = login(team.member)
    page = client.get("/deals/list/")
    html = _html(page)
    assert '<th data-custom="budget">预算</th>' in html and '<th data-custom="tier">等级</th>' in html
    assert '<td data-label="预算" data-custom="budget">5000.00</td>' in html
    assert '<td data-label="等级" data-custom="tier">金牌</td>' in html
    assert 'name="custom.budget__gte"' in html and 'name="custom.tier"' in html
    names = lambda response: sorted(deal.name for deal in response.context["rows"])  # noqa: E731
    assert names(client.get("/deals/list/", {"custom.budget__gte": "200"})) == ["大单"]
    assert names(client.get("/deals/list/", {"custom.budget__lte": "200"})) == ["小单"]
    assert names(client.get("/deals/list/", {"custom.tier": "silver"})) == ["小单"]
    bad = client.get("/deals/list/", {"custom.budget__gte": "lots"})
    assert bad.status_code == 200 and list(bad.context["rows"]) == []
    assert bad.context["filter_form"].errors["custom.budget__gte"]


def test_list_pages_with_custom_columns_cost_the_same_queries_for_1_and_20_rows(team, alpha, configured, account):
    def make(start: int, n: int) -> None:
        with schema_context(alpha.schema_name):
            for i in range(start, start + n):
                records.deal_create(actor=team.member, data={
                    "name": f"D{i}", "account": account.pk,
                    "custom": {"budget": str(i + 1), "tier": "gold", "sponsor": team.member2.pk}})
                records.account_create(actor=team.member, data={"name": f"A{i}", "custom": {"region_code": "E"}})

    client = login(team.member)
    make(0, 1)
    for path in ("/deals/list/", "/accounts/"):
        client.get(path)
    counts = {}
    for path in ("/deals/list/", "/accounts/"):
        with CaptureQueriesContext(connection) as one:
            client.get(path, {"custom.budget__gte": "0"} if path == "/deals/list/" else {})
        counts[path] = len(one.captured_queries)
    make(1, 19)
    for path in ("/deals/list/", "/accounts/"):
        with CaptureQueriesContext(connection) as twenty:
            response = client.get(path, {"custom.budget__gte": "0"} if path == "/deals/list/" else {})
        assert len(response.context["rows"]) >= 20
        assert len(twenty.captured_queries) == counts[path], path
    html = _html(client.get("/deals/list/"))
    assert '<td data-label="发起人" data-custom="sponsor">Member2</td>' in html  # the user's name, not an id
    assert len(client.get("/deals/list/", {"custom.sponsor": str(team.member2.pk)}).context["rows"]) == 20
    assert len(client.get("/accounts/", {"custom.region_code__contains": "e"}).context["rows"]) == 20


def test_every_list_shows_and_filters_its_indexed_fields(team, alpha, account):
    indexed = {**REF, "indexed": True}
    _save(team, alpha, _document({entity: [indexed] for entity in ("contact", "lead", "ticket", "campaign")}))
    custom = {"custom": {"ref_code": "IDX-7"}}
    with schema_context(alpha.schema_name):
        records.contact_create(actor=team.member, data={"name": "列联系人", "account": account.pk, **custom})
        records.contact_create(actor=team.member, data={"name": "其他联系人", "account": account.pk})
        lead_services.lead_create(actor=team.member, data={"name": "列线索", **custom})
        ticket_services.ticket_create(actor=team.member, data={"account": account.pk, "subject": "列工单", **custom})
        campaign_services.campaign_create(actor=team.owner, data={"name": "列计划", "start_date": "2026-01-01",
                                                                  **custom})
    for user, path in ((team.member, "/contacts/"), (team.member, "/leads/"), (team.member, "/tickets/"),
                       (team.owner, "/campaigns/")):
        client = login(user)
        html = _html(client.get(path))
        assert '<th data-custom="ref_code">参考编号</th>' in html, path
        assert '<td data-label="参考编号" data-custom="ref_code">IDX-7</td>' in html, path
        filtered = client.get(path, {"custom.ref_code__contains": "idx"})
        rows = filtered.context["rows"] if "rows" in filtered.context else filtered.context["page"].object_list
        assert len(rows) == 1, path


def test_the_export_has_a_column_per_custom_field(team, alpha, configured, account):
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.member, account=account, data={"custom": {"ref_code": "EX-1",
                                                                                     "region_code": "华东"}})
    response = api_for(team.member).get("/api/v1/accounts/export")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "custom" not in rows[0]
    assert (rows[0]["custom.ref_code"], rows[0]["custom.region_code"]) == ("EX-1", "华东")


def test_the_export_masks_sensitive_and_leaves_out_hidden_fields(team, alpha, account):
    fields = [{"key": "secret_no", "type": "text", "label": _label("密号", "Secret"), "sensitive": True},
              {"key": "board_note", "type": "text", "label": _label("董事会", "Board"), "visible_to": ["owner"]}]
    _save(team, alpha, _document({"account": fields}))
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.owner, account=account, data={"custom": {"secret_no": "ABCD12345678",
                                                                                   "board_note": "机密"}})
    text = b"".join(api_for(team.member).get("/api/v1/accounts/export").streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["custom.secret_no"] == "****5678" and "custom.board_note" not in row
    assert "ABCD12345678" not in text and "机密" not in text


def test_a_sensitive_value_is_masked_and_revealed_only_through_the_audited_reveal(team, alpha, account):
    fields = [{"key": "secret_no", "type": "text", "label": _label("密号", "Secret"), "sensitive": True},
              {"key": "plain_no", "type": "text", "label": _label("明号", "Plain")}]
    _save(team, alpha, _document({"account": fields}))
    with schema_context(alpha.schema_name):
        records.account_update(actor=team.member, account=account, data={"custom": {"secret_no": "ABCD12345678",
                                                                                    "plain_no": "P-1"}})
    client = login(team.member)
    page = _html(client.get(f"/accounts/{account.pk}/"))
    assert "****5678" in page and "ABCD12345678" not in page
    assert 'data-testid="reveal-secret_no"' in page and 'data-testid="reveal-plain_no"' not in page
    revealed = client.post(f"/accounts/{account.pk}/reveal/custom/secret_no/", HTTP_HX_REQUEST="true")
    assert revealed.status_code == 200 and "ABCD12345678" in revealed.content.decode()
    # a field that is not sensitive is not "revealed"; finance may not reveal
    assert client.post(f"/accounts/{account.pk}/reveal/custom/plain_no/").status_code == 400
    assert login(team.finance).post(f"/accounts/{account.pk}/reveal/custom/secret_no/").status_code in (403, 404)
    from core.audit.models import AuditEntry

    with schema_context(alpha.schema_name):
        entries = list(AuditEntry.objects.filter(action="reveal").values_list("actor_id", "fields"))
    assert entries == [(team.member.pk, ["custom.secret_no"])]


# --- one rule for every write path -----------------------------------------------------------------

def test_every_write_path_enforces_a_required_custom_field_under_the_same_key(team, alpha, account):
    with schema_context(alpha.schema_name):
        existing = records.deal_create(actor=team.member, data={"name": "旧商机", "account": account.pk})
    required = {"key": "contract_no", "type": "text", "label": _label("合同编号", "Contract number"), "required": True}
    _save(team, alpha, _document({"deal": [required]}))
    key = "custom.contract_no"
    # web form
    client = login(team.member)
    form = client.post("/deals/new/", {"name": "网页", "account": account.pk, "amount": "1", "currency": "CNY",
                                       "stage": "initial_contact"})
    assert form.status_code == 400 and key in form.context["form"].errors
    # API POST and PATCH
    api = api_for(team.member)
    posted = api.post("/api/v1/deals", {"name": "接口", "account": account.pk}, format="json")
    assert posted.status_code == 400 and [f["path"] for f in posted.json()["error"]["fields"]] == [key]
    patched = api.patch(f"/api/v1/deals/{existing.pk}", {"name": "改名"}, format="json")
    assert patched.status_code == 400 and [f["path"] for f in patched.json()["error"]["fields"]] == [key]
    # service calls: create, update, move
    with schema_context(alpha.schema_name):
        for call in (lambda: records.deal_create(actor=team.member, data={"name": "服务", "account": account.pk}),
                     lambda: records.deal_update(actor=team.member, deal=existing, data={"name": "改名"}),
                     lambda: records.deal_move(actor=team.member, deal=existing, stage="needs_analysis")):
            with pytest.raises(ValidationError) as error:
                call()
            assert set(error.value.message_dict) == {key}
    # the board's move (its script and a plain form post) answers with the same message
    moved = client.post(f"/deals/{existing.pk}/move/", {"stage": "needs_analysis"},
                        HTTP_X_REQUESTED_WITH="board")
    assert moved.status_code == 400 and moved.content.decode().startswith("合同编号")
    with schema_context(alpha.schema_name):
        existing.refresh_from_db()
        assert (existing.name, existing.stage) == ("旧商机", "initial_contact")
        assert not Deal.objects.exclude(pk=existing.pk).exists()
    # a value given through the form satisfies the rule everywhere
    assert client.post(f"/deals/{existing.pk}/edit/", {
        "name": "旧商机", "account": account.pk, "amount": "0.00", "currency": "CNY", "stage": "initial_contact",
        "probability": "10", "custom.contract_no": "HT-9"}).status_code == 302
    assert client.post(f"/deals/{existing.pk}/move/", {"stage": "needs_analysis"},
                       HTTP_X_REQUESTED_WITH="board").status_code == 200
