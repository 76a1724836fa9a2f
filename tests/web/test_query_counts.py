"""List pages cost the same number of queries for 1 and 20 rows (no query per row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.activities import services as activity_services
from core.campaigns import services as campaign_services
from core.leads import services as lead_services
from core.records import services as record_services
from core.service import services as ticket_services
from tests.web.conftest import login


def _make(team, start: int, n: int) -> None:
    """n of everything for member: accounts with a contact, a deal, a ticket, two tasks (one overdue), a lead;
    and n campaigns, each with a lead and a contact member and an attributed deal."""
    now = timezone.now()
    for i in range(start, start + n):
        account = record_services.account_create(actor=team.member, data={"name": f"Bulk {i}"})
        contact = record_services.contact_create(actor=team.member, data={"name": f"C {i}", "account": account.pk})
        deal = record_services.deal_create(actor=team.member, data={"name": f"D {i}", "account": account.pk,
                                                                   "amount": "10"})
        ticket_services.ticket_create(actor=team.member, data={"account": account.pk, "subject": f"T {i}",
                                                               "assignee": team.member.pk},
                                      now=now - dt.timedelta(minutes=30 * i))
        activity_services.task_create(actor=team.member, data={"title": f"Task {i}", "account": account.pk,
                                                               "contact": contact.pk, "deal": deal.pk,
                                                               "due_at": now + dt.timedelta(days=1)})
        activity_services.task_create(actor=team.member, data={"title": f"Late {i}", "account": account.pk,
                                                               "due_at": now - dt.timedelta(days=1)})
        lead = lead_services.lead_create(actor=team.member, data={"name": f"L {i}", "phones": ["13812345678"]})
        campaign = campaign_services.campaign_create(actor=team.owner, data={"name": f"Camp {i}",
                                                                             "start_date": "2026-01-01",
                                                                             "budget": "1000"})
        campaign_services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk],
                                               contact_ids=[contact.pk])
        campaign_services.campaign_attribute_deal(actor=team.owner, campaign=campaign, deal_id=deal.pk)


def _rows(response) -> int:
    context = response.context
    return len(context["rows"]) if "rows" in context else len(context["page"].object_list)


@pytest.mark.parametrize("path", ["/tickets/", "/tasks/", "/tasks/overdue/", "/leads/", "/campaigns/"])
def test_list_pages_cost_the_same_queries_for_1_and_20_rows(team, alpha, path):
    client = login(team.member)
    with schema_context(alpha.schema_name):
        _make(team, 0, 1)
    client.get(path)  # warm-up: once-a-minute activity writes
    with CaptureQueriesContext(connection) as one:
        response = client.get(path)
    with schema_context(alpha.schema_name):
        _make(team, 1, 19)
    client.get(path)
    with CaptureQueriesContext(connection) as twenty:
        response20 = client.get(path)
    per_unit = 2 if path == "/tasks/" else 1  # my tasks: the due one and the overdue one
    assert (_rows(response), _rows(response20)) == (per_unit, 20 * per_unit)
    assert len(twenty.captured_queries) == len(one.captured_queries), [q["sql"][:100] for q in twenty.captured_queries]


def test_campaign_page_costs_the_same_queries_for_1_and_20_members_and_deals(team, alpha):
    with schema_context(alpha.schema_name):
        campaign = campaign_services.campaign_create(actor=team.owner, data={"name": "Big", "start_date": "2026-01-01",
                                                                             "budget": "100"})

        def grow(start, n):
            for i in range(start, start + n):
                account = record_services.account_create(actor=team.member, data={"name": f"A {i}"})
                contact = record_services.contact_create(actor=team.member, data={"name": f"C {i}",
                                                                                  "account": account.pk})
                deal = record_services.deal_create(actor=team.member, data={"name": f"D {i}", "account": account.pk,
                                                                           "contact": contact.pk, "amount": "50",
                                                                           "stage": "won"})
                lead = lead_services.lead_create(actor=team.member, data={"name": f"L {i}"})
                campaign_services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk],
                                                       contact_ids=[contact.pk])
                campaign_services.campaign_attribute_deal(actor=team.owner, campaign=campaign, deal_id=deal.pk)

        grow(0, 1)
    client = login(team.member)
    url = f"/campaigns/{campaign.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    with schema_context(alpha.schema_name):
        grow(1, 19)
    client.get(url)
    with CaptureQueriesContext(connection) as twenty:
        response20 = client.get(url)
    assert (len(response.context["members"]), len(response20.context["members"])) == (2, 40)
    assert (len(response.context["deals"]), len(response20.context["deals"])) == (1, 20)
    assert len(twenty.captured_queries) == len(one.captured_queries)
    # the metrics: 20 won deals of 50 against a budget of 100, 20 leads
    campaign20 = response20.context["campaign"]
    assert (campaign20.lead_count, str(campaign20.cost_per_lead), str(campaign20.roi)) == (20, "5.00", "10.00")
    html = response20.content.decode()
    assert "10.00×" in html
