"""Fixtures for the web pages of tickets, tasks, activities, leads and campaigns: the records tests' team in
workspace alpha, a small book built through the real services, and a logged-in browser client."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.activities import services as activity_services
from core.campaigns import services as campaign_services
from core.leads import services as lead_services
from core.records import services as record_services
from core.service import services as ticket_services
from tests.factories import PASSWORD
from tests.records.conftest import Team, in_alpha, team

__all__ = ["Book", "Team", "book", "in_alpha", "login", "team"]

HOST = "alpha.localhost"


def login(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    response = client.post("/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@dataclass
class Book:
    mine: Any  # member's account, with a contact, a deal, a ticket, a task, an activity
    contact: Any
    deal: Any
    ticket: Any
    task: Any
    activity: Any
    theirs: Any  # member2's account and ticket
    their_ticket: Any
    lead: Any  # member's lead
    campaign: Any  # the owner's campaign with member's contact and lead, and member's deal


@pytest.fixture
def book(team, alpha) -> Book:
    now = timezone.now()
    with schema_context(alpha.schema_name):
        mine = record_services.account_create(actor=team.member, data={"name": "杭州示例科技有限公司"})
        contact = record_services.contact_create(actor=team.member, data={"name": "王小明", "account": mine.pk})
        deal = record_services.deal_create(actor=team.member, data={"name": "年度框架合同", "account": mine.pk,
                                                                    "contact": contact.pk, "amount": "120000"})
        ticket = ticket_services.ticket_create(actor=team.member, data={
            "account": mine.pk, "contact": contact.pk, "subject": "打印机无法连接"}, now=now)
        task = activity_services.task_create(actor=team.member, data={
            "title": "回访王经理", "account": mine.pk, "due_at": now + dt.timedelta(days=1)})
        activity = activity_services.activity_create(actor=team.member, data={
            "kind": "visit", "subject": "上门拜访", "account": mine.pk, "contact": contact.pk})
        theirs = record_services.account_create(actor=team.member2, data={"name": "Other Member Co"})
        their_ticket = ticket_services.ticket_create(actor=team.member2, data={
            "account": theirs.pk, "subject": "Their problem"}, now=now)
        lead = lead_services.lead_create(actor=team.member, data={"name": "李雷", "company": "韩梅梅贸易有限公司",
                                                                  "phones": ["13700001111"], "source": "展会"})
        campaign = campaign_services.campaign_create(actor=team.owner, data={
            "name": "春季展会", "start_date": "2026-03-01", "budget": "10000", "channel": "exhibition"})
        campaign_services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk],
                                               contact_ids=[contact.pk])
        campaign_services.campaign_attribute_deal(actor=team.owner, campaign=campaign, deal_id=deal.pk)
    return Book(mine=mine, contact=contact, deal=deal, ticket=ticket, task=task, activity=activity, theirs=theirs,
                their_ticket=their_ticket, lead=lead, campaign=campaign)
