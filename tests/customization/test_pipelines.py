"""Pipelines from the configuration: stage gates on every move path, moves between pipelines, removing a stage
that holds deals, and the board per pipeline."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from core.audit.models import AuditEntry, FieldChange
from core.customization import services as config
from core.customization.current import default_document
from core.records import services as records
from core.records.models import Deal, DealStageChange
from plugins import hookimpl
from tests.factories import PASSWORD
from tests.records.conftest import api_for

RENEWALS = {
    "key": "renewals", "label": {"zh-hans": "续约", "en": "Renewals"},
    "stages": [
        {"key": "due", "label": {"zh-hans": "待续约", "en": "Due"}, "probability": 50, "kind": "open"},
        {"key": "renewed", "label": {"zh-hans": "已续约", "en": "Renewed"}, "probability": 100, "kind": "won"},
        {"key": "churned", "label": {"zh-hans": "流失", "en": "Churned"}, "probability": 0, "kind": "lost"},
    ],
}


def gated_document() -> dict:
    document = default_document()
    document["custom_fields"] = {"deal": [
        {"key": "budget_code", "type": "text", "label": {"zh-hans": "预算编号", "en": "Budget code"}}]}
    proposal = document["pipelines"][0]["stages"][2]
    proposal["required_fields"] = ["expected_close_date", "custom.budget_code"]
    proposal["entry_condition"] = {"field": "amount", "op": "gte", "value": 10000}
    document["pipelines"].append(copy.deepcopy(RENEWALS))
    return document


@pytest.fixture
def gated(team, in_alpha):
    config.config_save(actor=team.owner, document=gated_document(), base_version=0)


@pytest.fixture
def deal(team, gated):
    account = records.account_create(actor=team.owner, data={"name": "关卡测试公司", "owner": team.member.pk})
    return records.deal_create(actor=team.member, data={"name": "Gate deal", "account": account.pk, "amount": "500"})


def _login(user) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_the_gate_reports_every_missing_field_and_the_condition_at_once(team, deal):
    with pytest.raises(ValidationError) as refused:
        records.deal_move(actor=team.member, deal=deal, stage="proposal")
    assert set(refused.value.message_dict) == {"expected_close_date", "custom.budget_code", "stage"}
    assert "10000" in refused.value.message_dict["stage"][0]
    deal.refresh_from_db()
    assert deal.stage == "initial_contact"


@pytest.mark.parametrize("path", ["service", "api_move", "api_patch", "board", "form"])
def test_the_gate_holds_on_every_move_path(team, deal, alpha, path):
    if path == "service":
        with pytest.raises(ValidationError):
            records.deal_move(actor=team.member, deal=deal, stage="proposal")
    elif path.startswith("api"):
        api = api_for(team.member)
        response = (api.post(f"/api/v1/deals/{deal.pk}/move", {"stage": "proposal"}, format="json")
                    if path == "api_move" else
                    api.patch(f"/api/v1/deals/{deal.pk}", {"stage": "proposal"}, format="json"))
        assert response.status_code == 400
        assert {f["path"] for f in response.json()["error"]["fields"]} == {
            "expected_close_date", "custom.budget_code", "stage"}
    elif path == "board":
        response = _login(team.member).post(f"/deals/{deal.pk}/move/", {"stage": "proposal"},
                                            HTTP_X_REQUESTED_WITH="board")
        assert response.status_code == 400
        text = response.content.decode()
        assert "预计成交日期" in text and "预算编号" in text  # the board says why the drop was refused
    else:
        response = _login(team.member).post(f"/deals/{deal.pk}/edit/", {
            "name": deal.name, "account": deal.account_id, "amount": "500", "currency": "CNY",
            "stage": "proposal", "owner": team.member.pk})
        assert response.status_code == 400
    with schema_context(alpha.schema_name):
        deal.refresh_from_db()
        assert deal.stage == "initial_contact"
        assert DealStageChange.objects.filter(deal=deal).count() == 1


def test_a_deal_that_meets_the_gate_moves(team, deal):
    moved = records.deal_update(actor=team.member, deal=deal, data={
        "amount": "20000", "expected_close_date": "2027-03-31", "stage": "proposal",
        "custom": {"budget_code": "B-1"}})
    assert (moved.stage, moved.probability) == ("proposal", 50)


def test_moving_between_pipelines_needs_the_stage_there(team, deal):
    with pytest.raises(ValidationError) as refused:
        records.deal_update(actor=team.member, deal=deal, data={"pipeline": "renewals"})
    assert set(refused.value.message_dict) == {"stage"}
    moved = records.deal_move(actor=team.member, deal=deal, pipeline="renewals", stage="due")
    assert (moved.pipeline, moved.stage, moved.probability) == ("renewals", "due", 50)


def test_removing_a_stage_that_holds_deals_needs_a_destination(team, deal):
    fewer = gated_document()
    fewer["pipelines"][0]["stages"] = [s for s in fewer["pipelines"][0]["stages"] if s["key"] != "initial_contact"]
    with pytest.raises(config.InvalidConfig) as refused:
        config.config_save(actor=team.owner, document=fewer, base_version=1)
    assert [e.path for e in refused.value.errors] == ["$.stage_moves.new_business.initial_contact"]
    assert Deal.objects.get(pk=deal.pk).stage == "initial_contact"
    config.config_save(actor=team.owner, document=fewer, base_version=1,
                       moves={"new_business.initial_contact": "renewals.due"})
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage) == ("renewals", "due")
    assert list(DealStageChange.objects.filter(deal=deal).values_list("from_stage", "to_stage"))[-1] == (
        "initial_contact", "due")
    # and the move has the trail of any stage move: field history by stage key, an audit entry, the events
    history = dict(FieldChange.objects.filter(entity="deal", record_id=deal.pk, actor=team.owner)
                   .values_list("field", "old_value"))
    assert {field: (history[field]) for field in ("stage", "pipeline")} == {
        "stage": "initial_contact", "pipeline": "new_business"}
    assert FieldChange.objects.get(entity="deal", record_id=deal.pk, field="stage", actor=team.owner).new_value == "due"
    entry = AuditEntry.objects.get(entity="deal", record_id=deal.pk, action="stage_changed")
    assert entry.changes["stage"] == ["initial_contact", "due"] and entry.actor_id == team.owner.pk
    assert deal.version == 2


def test_a_configuration_stage_move_announces_each_deal_after_commit(team, deal, plugin,
                                                                    django_capture_on_commit_callbacks):
    from core.events.models import DomainEvent

    heard = []

    class Listener:
        @hookimpl
        def guanxi_deal_stage_changed(self, deal_id, from_stage, to_stage, actor_id):
            heard.append((deal_id, from_stage, to_stage, actor_id))

    plugin(Listener(), "listener")
    fewer = gated_document()
    fewer["pipelines"][0]["stages"] = [s for s in fewer["pipelines"][0]["stages"] if s["key"] != "initial_contact"]
    from core.customization.current import current_config, current_version

    fewer["plugins"] = dict(current_config().document.get("plugins") or {})
    with django_capture_on_commit_callbacks(execute=True):
        config.config_save(actor=team.owner, document=fewer, base_version=current_version(),
                           moves={"new_business.initial_contact": "renewals.due"})
    # the move is in the outbox, and the enabled plugin heard it once, after the commit
    event = DomainEvent.objects.filter(type="deal.stage_changed").get()
    assert event.payload == {"deal_id": deal.pk, "from_stage": "initial_contact", "to_stage": "due",
                             "actor_id": team.owner.pk}
    assert heard == [(deal.pk, "initial_contact", "due", team.owner.pk)]


def test_the_board_shows_one_pipeline_at_a_time(team, deal, alpha):
    records.deal_move(actor=team.member, deal=deal, pipeline="renewals", stage="due")
    client = _login(team.member)
    board = client.get("/deals/", {"pipeline": "renewals"})
    assert board.status_code == 200
    assert [c["stage"].key for c in board.context["columns"]] == ["due", "renewed", "churned"]
    assert board.context["columns"][0]["count"] == 1
    default = client.get("/deals/")
    assert default.context["columns"][0]["stage"].key == "initial_contact"
    assert sum(c["count"] for c in default.context["columns"]) == 0
