"""The pipeline report: one pipeline's deals by stage, counted and summed over the reader's scope only."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.customization import services as config
from core.customization.current import default_document
from core.customization.pipelines import get_pipeline
from core.records import services as records
from core.records.models import Deal
from core.reports.selectors import pipeline_report
from tests.factories import PASSWORD
from tests.records.conftest import api_for

RENEWALS = {"key": "renewals", "label": {"zh-hans": "续约", "en": "Renewals"}, "stages": [
    {"key": "due", "label": {"zh-hans": "待续约", "en": "Due"}, "probability": 50, "kind": "open"},
    {"key": "renewed", "label": {"zh-hans": "已续约", "en": "Renewed"}, "probability": 100, "kind": "won"},
    {"key": "churned", "label": {"zh-hans": "流失", "en": "Churned"}, "probability": 0, "kind": "lost"}]}


@pytest.fixture
def book(team, in_alpha):
    document = default_document()
    document["pipelines"][0]["stages"][1]["stale_after_days"] = 7  # needs_analysis
    document["pipelines"].append(copy.deepcopy(RENEWALS))
    config.config_save(actor=team.owner, document=document, base_version=0)
    mine = records.account_create(actor=team.owner, data={"name": "我的客户", "owner": team.member.pk})
    theirs = records.account_create(actor=team.owner, data={"name": "别人的客户", "owner": team.member2.pk})

    def deal(account, owner, amount, stage, currency="CNY", pipeline=""):
        made = records.deal_create(actor=team.owner, data={"name": f"{stage} {amount}", "account": account.pk,
                                                           "owner": owner.pk, "amount": amount, "currency": currency})
        if stage != "initial_contact" or pipeline:
            made = records.deal_move(actor=team.owner, deal=made, stage=stage, pipeline=pipeline,
                                     reason="r" if stage in ("won", "lost") else "")
        return made

    deal(mine, team.member, "1000", "initial_contact")
    deal(mine, team.member, "2000", "needs_analysis")
    old = deal(mine, team.member, "4000", "needs_analysis")
    Deal.objects.filter(pk=old.pk).update(stage_entered_at=timezone.now() - dt.timedelta(days=10))
    deal(mine, team.member, "500", "needs_analysis", currency="USD")
    deal(mine, team.member, "3000", "won")
    deal(mine, team.member, "100", "lost")
    deal(mine, team.member, "100", "lost")
    deal(mine, team.member, "9000", "due", pipeline="renewals")
    deal(theirs, team.member2, "7777", "initial_contact")
    deal(theirs, team.member2, "8888", "won")
    return mine


def _row(report, key):
    return next(row for row in report["stages"] if row["stage"].key == key)


def test_the_report_counts_and_sums_by_stage(team, book):
    report = pipeline_report(actor=team.owner, pipeline=get_pipeline("new_business"))
    assert [(row["stage"].key, row["count"]) for row in report["stages"]] == [
        ("initial_contact", 2), ("needs_analysis", 3), ("proposal", 0), ("negotiation", 0), ("won", 2), ("lost", 2)]
    analysis = _row(report, "needs_analysis")
    assert analysis["amounts"] == [("CNY", Decimal("6000.00"), Decimal("1500.00")),
                                   ("USD", Decimal("500.00"), Decimal("125.00"))]
    assert analysis["stale"] == 1  # 10 days in a stage that goes stale after 7
    assert analysis["avg_days_in_stage"] >= 3.3  # (10 + 0 + 0) / 3
    assert (report["open_count"], report["won"], report["lost"], report["win_rate"]) == (5, 2, 2, 50.0)
    assert _row(report, "won")["avg_days_in_stage"] is None


def test_each_pipeline_has_its_own_report(team, book):
    report = pipeline_report(actor=team.owner, pipeline=get_pipeline("renewals"))
    assert [(row["stage"].key, row["count"]) for row in report["stages"]] == [("due", 1), ("renewed", 0),
                                                                              ("churned", 0)]
    assert _row(report, "due")["amounts"] == [("CNY", Decimal("9000.00"), Decimal("4500.00"))]


def test_a_member_reports_on_what_they_may_see_only(team, book):
    report = pipeline_report(actor=team.member, pipeline=get_pipeline("new_business"))
    assert _row(report, "initial_contact")["amounts"] == [("CNY", Decimal("1000.00"), Decimal("100.00"))]
    assert (report["won"], report["lost"], report["win_rate"]) == (1, 2, 33.3)
    assert pipeline_report(actor=team.finance, pipeline=get_pipeline("new_business"))["won"] == 2  # finance: all


def test_the_api_and_the_page(team, book, alpha):
    body = api_for(team.member).get("/api/v1/reports/pipeline", {"pipeline": "new_business"}).json()
    assert [s["count"] for s in body["stages"]] == [1, 3, 0, 0, 1, 2]
    assert body["stages"][1]["amounts"][0] == {"currency": "CNY", "total": "6000.00", "weighted": "1500.00"}
    assert api_for(team.member).get("/api/v1/reports/pipeline", {"pipeline": "nope"}).status_code == 404
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.post("/login/", {"email": team.member.email, "password": PASSWORD}).status_code == 302
    page = client.get("/reports/pipeline/", {"pipeline": "renewals"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-stage="due"' in html and 'data-stage="initial_contact"' not in html
    assert "9,000.00" in html or "9000.00" in html


def test_the_report_costs_the_same_queries_for_few_and_many_deals(team, book):
    pipeline = get_pipeline("new_business")
    with CaptureQueriesContext(connection) as few:
        pipeline_report(actor=team.member, pipeline=pipeline)
    for n in range(15):
        records.deal_create(actor=team.member, data={"name": f"more {n}", "account": book.pk, "amount": "1"})
    with CaptureQueriesContext(connection) as many:
        pipeline_report(actor=team.member, pipeline=pipeline)
    assert len(few) == len(many)
