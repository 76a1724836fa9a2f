"""Fixtures for activities tests: the records tests' team in workspace alpha, and a book of accounts,
activities and tasks spread across it — all built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from core.activities import services as activity_services
from core.activities.models import Activity, Task
from core.records import services as record_services
from core.records.models import Account, Contact, Deal
from tests.records.conftest import Team, api_for, in_alpha, team

__all__ = ["Book", "Team", "api_for", "book", "in_alpha", "team"]


@dataclass
class Book:
    accounts: dict[str, Account]
    contacts: dict[str, Contact]
    deals: dict[str, Deal]
    activities: dict[str, Activity]
    tasks: dict[str, Task]


@pytest.fixture
def book(team, in_alpha) -> Book:
    """Accounts owned across the team (one in the pool); Outsider Co shared read-only with `member`,
    Member Co shared read-only with `viewer`; one activity per account by its owner, one by support on
    a ticket, one on a contact without an account; tasks given across the team."""
    def account(owner, name):
        return record_services.account_create(actor=team.owner,
                                              data={"name": name, "owner": owner.pk if owner else None})

    accounts = {
        "member": account(team.member, "Member Co"),
        "member2": account(team.member2, "Member Two Co"),
        "outsider": account(team.outsider, "Outsider Co"),
        "pool": account(None, "Pool Co"),
        "owner": account(team.owner, "Owner Co"),
    }
    record_services.account_share(actor=team.owner, account=accounts["outsider"], user=team.member, access="read")
    record_services.account_share(actor=team.owner, account=accounts["member"], user=team.viewer, access="read")
    contacts = {key: record_services.contact_create(actor=team.owner, data={
        "name": f"{key} contact", "account": acc.pk, "owner": acc.owner_id}) for key, acc in accounts.items()}
    contacts["lonely"] = record_services.contact_create(actor=team.owner, data={
        "name": "Lonely contact", "owner": team.member2.pk})
    deals = {key: record_services.deal_create(actor=team.owner, data={
        "name": f"{key} deal", "account": acc.pk, "amount": "1000", "owner": acc.owner_id})
        for key, acc in accounts.items()}

    from core.service import services as ticket_services

    ticket = ticket_services.ticket_create(actor=team.owner, data={"account": accounts["owner"].pk,
                                                                   "subject": "Printer on fire"})

    def activity(actor, subject, **data):
        return activity_services.activity_create(actor=actor, data={"kind": "call", "subject": subject, **data})

    activities = {
        "member": activity(team.member, "Member call", account=accounts["member"].pk),
        "member2": activity(team.member2, "Member Two call", account=accounts["member2"].pk),
        "outsider": activity(team.outsider, "Outsider call", account=accounts["outsider"].pk),
        "owner": activity(team.owner, "Owner call", account=accounts["owner"].pk),
        "pool": activity(team.owner, "Pool call", account=accounts["pool"].pk),
        "support": activity(team.support, "Ticket call", ticket=ticket.pk),
        "lonely": activity(team.owner, "Lonely note", contact=contacts["lonely"].pk, kind="note"),
    }
    now = timezone.now()

    def task(actor, title, **data):
        return activity_services.task_create(actor=actor, data={"title": title, **data})

    tasks = {
        "member": task(team.member, "Member follow-up", account=accounts["member"].pk,
                       due_at=now - dt.timedelta(days=1)),
        "finance": task(team.owner, "Send invoice", assignee=team.finance.pk, due_at=now + dt.timedelta(days=1)),
        "member2": task(team.owner, "Owner asks member2", assignee=team.member2.pk, account=accounts["owner"].pk),
        "outsider": task(team.outsider, "Outsider follow-up", account=accounts["outsider"].pk),
        "support": task(team.owner, "Call back on ticket", assignee=team.support.pk, ticket=ticket.pk),
    }
    return Book(accounts, contacts, deals, activities, tasks)
