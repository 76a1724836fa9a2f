"""The account page's blocks: activities, open tasks, tickets with their SLA, campaign memberships — at a
number of queries that does not grow with the account."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.activities import services as activity_services
from core.campaigns import services as campaign_services
from core.records import services as record_services
from core.service import services as ticket_services
from tests.web.conftest import login


def test_account_page_shows_activities_tasks_tickets_and_campaigns(team, book, alpha):
    with schema_context(alpha.schema_name):
        activity_services.task_create(actor=team.member, data={"title": "Finished task", "account": book.mine.pk,
                                                                "done": True})
        late = ticket_services.ticket_create(actor=team.member, data={"account": book.mine.pk, "subject": "Old one"},
                                             now=timezone.now() - dt.timedelta(hours=3))
    response = login(team.member).get(f"/accounts/{book.mine.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    # the newest activities: kind, author, subject, the contact it was with
    activities = html[html.index('data-testid="account-activities"'):html.index('data-testid="account-tasks"')]
    assert "上门拜访" in activities and "🚗" in activities and "Member" in activities and "王小明" in activities
    # open tasks only
    tasks = html[html.index('data-testid="account-tasks"'):html.index('data-testid="account-tickets"')]
    assert "回访王经理" in tasks and "Finished task" not in tasks
    # tickets with status, priority and SLA: the late one is red
    tickets = html[html.index('data-testid="account-tickets"'):html.index('data-testid="account-campaigns"')]
    assert "打印机无法连接" in tickets and "Old one" in tickets
    assert f'href="/tickets/{late.pk}/"' in tickets and "badge-breached" in tickets
    assert 'data-testid="ticket-status"' in tickets and "web/countdown.js" in tickets
    # campaign memberships of the account's contacts
    campaigns = html[html.index('data-testid="account-campaigns"'):]
    assert "春季展会" in campaigns and f'href="/campaigns/{book.campaign.pk}/"' in campaigns
    # the records part of the page is still there
    assert 'data-testid="timeline"' in html and 'data-testid="contacts"' in html


def test_account_page_shows_a_ticket_and_task_made_through_the_forms(team, book, alpha):
    client = login(team.member)
    assert client.post(f"/tickets/new/?account={book.mine.pk}", {
        "account": book.mine.pk, "subject": "Form ticket", "channel": "phone", "priority": "low"}).status_code == 302
    assert client.post(f"/tasks/new/?account={book.mine.pk}", {
        "title": "Form task", "account": book.mine.pk, "assignee": team.member.pk}).status_code == 302
    assert client.post(f"/activities/new/?account={book.mine.pk}", {
        "log-kind": "wechat", "log-subject": "Form activity", "log-account": book.mine.pk}).status_code == 302
    html = client.get(f"/accounts/{book.mine.pk}/").content.decode()
    assert "Form ticket" in html and "Form task" in html and "Form activity" in html and "💬" in html


def test_finance_and_support_see_only_their_parts_of_the_account_page(team, book, alpha):
    support = login(team.support).get(f"/accounts/{book.mine.pk}/")  # the desk reaches it through the ticket
    html = support.content.decode()
    assert support.status_code == 200 and "打印机无法连接" in html
    assert "上门拜访" not in html  # support sees only the activities they wrote
    assert 'data-testid="account-campaigns"' not in html  # and no campaigns
    # the desk opens tickets on any account, but logs no activity on an account it cannot change
    assert 'data-testid="new-ticket"' in html
    assert 'data-testid="activity-form"' not in html and 'data-testid="new-task"' not in html
    finance = login(team.finance).get(f"/accounts/{book.mine.pk}/").content.decode()
    assert "打印机无法连接" not in finance and 'data-testid="activity-form"' not in finance


def _grow(team, account, start: int, n: int) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        contact = record_services.contact_create(actor=team.member, data={"name": f"C {i}", "account": account.pk})
        deal = record_services.deal_create(actor=team.member, data={"name": f"D {i}", "account": account.pk,
                                                                   "contact": contact.pk, "amount": "10"})
        ticket_services.ticket_create(actor=team.member, data={"account": account.pk, "subject": f"T {i}",
                                                               "contact": contact.pk, "assignee": team.member.pk},
                                      now=now - dt.timedelta(hours=i))
        activity_services.task_create(actor=team.member, data={"title": f"Task {i}", "account": account.pk,
                                                               "contact": contact.pk, "deal": deal.pk,
                                                               "due_at": now + dt.timedelta(days=i)})
        activity_services.activity_create(actor=team.member, data={"kind": "call", "subject": f"A {i}",
                                                                   "account": account.pk, "contact": contact.pk,
                                                                   "deal": deal.pk})
        campaign = campaign_services.campaign_create(actor=team.owner, data={"name": f"Camp {i}",
                                                                             "start_date": "2026-01-01"})
        campaign_services.campaign_add_members(actor=team.owner, campaign=campaign, contact_ids=[contact.pk])


def test_account_page_costs_the_same_queries_for_1_and_10_of_everything(team, alpha):
    with schema_context(alpha.schema_name):
        account = record_services.account_create(actor=team.member, data={"name": "Growing Co"})
        _grow(team, account, 0, 1)
    client = login(team.member)
    url = f"/accounts/{account.pk}/"
    client.get(url)  # warm-up: once-a-minute activity writes
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    with schema_context(alpha.schema_name):
        _grow(team, account, 1, 9)
    client.get(url)
    with CaptureQueriesContext(connection) as ten:
        response10 = client.get(url)
    sizes = [(len(r.context["tickets"]), len(r.context["open_tasks"]), len(r.context["activities"]),
              len(r.context["campaign_memberships"])) for r in (response, response10)]
    assert sizes == [(1, 1, 1, 1), (10, 10, 10, 10)]
    assert len(ten.captured_queries) == len(one.captured_queries), [q["sql"][:120] for q in ten.captured_queries]


def test_read_only_user_gets_no_forms_on_the_account_page(team, book, alpha):
    with schema_context(alpha.schema_name):
        record_services.account_share(actor=team.member, account=book.mine, user=team.outsider, access="read")
    html = login(team.outsider).get(f"/accounts/{book.mine.pk}/").content.decode()
    assert "打印机无法连接" in html and "上门拜访" in html
    for testid in ("activity-form", "new-task", "new-ticket"):
        assert f'data-testid="{testid}"' not in html, testid
    member = login(team.member).get(f"/accounts/{book.mine.pk}/").content.decode()
    for testid in ("activity-form", "new-task", "new-ticket"):
        assert f'data-testid="{testid}"' in member, testid
