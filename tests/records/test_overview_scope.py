"""The 360 view reads an account's rows without re-deriving each scope — and shows exactly what the scopes allow.

For roles that see everything under an account they can see, `account_overview` skips the per-row
scope subqueries. These tests hold it to the scoped selectors for every role: the same contacts,
deals, tickets, tasks, activities and campaign memberships, on an account whose rows belong to
several people (and with rows of another account that must stay out).
"""

from __future__ import annotations

import pytest

from core.access.policy import Access
from core.activities import services as activity_services
from core.activities.selectors import activities, tasks
from core.campaigns import services as campaign_services
from core.campaigns.models import CampaignMember
from core.campaigns.selectors import can_read_campaigns
from core.overview.selectors import account_overview
from core.records import selectors, services
from core.service import services as ticket_services
from core.service.selectors import tickets

ROLES = ["owner", "admin", "manager", "member", "support", "finance", "viewer"]  # all who see the account


@pytest.fixture
def busy_account(team, in_alpha):
    """member's account: rows by member, member2, the owner and support; a second account beside it."""
    account = services.account_create(actor=team.member, data={"name": "全景科技有限公司"})
    other = services.account_create(actor=team.member2, data={"name": "Other Co"})
    services.account_share(actor=team.member, account=account, user=team.viewer, access="read")
    own_contact = services.contact_create(actor=team.member, data={"name": "张伟", "account": account.pk})
    their_contact = services.contact_create(actor=team.owner, data={"name": "李娜", "account": account.pk,
                                                                     "owner": team.member2.pk})
    services.contact_create(actor=team.member2, data={"name": "Elsewhere", "account": other.pk})
    services.deal_create(actor=team.member, data={"name": "Own deal", "account": account.pk, "amount": "100"})
    services.deal_create(actor=team.owner, data={"name": "Their deal", "account": account.pk, "amount": "250",
                                                 "owner": team.member2.pk})
    services.deal_create(actor=team.member2, data={"name": "Other deal", "account": other.pk, "amount": "9"})
    ticket = ticket_services.ticket_create(actor=team.owner, data={"account": account.pk, "subject": "Broken"})
    ticket_services.ticket_create(actor=team.owner, data={"account": other.pk, "subject": "Elsewhere"})
    activity_services.activity_create(actor=team.member, data={"kind": "call", "subject": "Own call",
                                                               "account": account.pk})
    activity_services.activity_create(actor=team.owner, data={"kind": "visit", "subject": "Owner visit",
                                                              "account": account.pk, "contact": their_contact.pk})
    activity_services.activity_create(actor=team.owner, data={"kind": "note", "subject": "Manager's note",
                                                              "account": account.pk, "author": team.manager.pk})
    activity_services.activity_create(actor=team.support, data={"kind": "note", "subject": "Desk note",
                                                                "ticket": ticket.pk})
    activity_services.task_create(actor=team.owner, data={"title": "Their task", "account": account.pk,
                                                          "assignee": team.member2.pk})
    activity_services.task_create(actor=team.member, data={"title": "Own task", "account": account.pk,
                                                           "assignee": team.member.pk})
    campaign = campaign_services.campaign_create(actor=team.owner, data={"name": "Spring fair", "channel": "event",
                                                                          "start_date": "2026-03-01"})
    campaign_services.campaign_add_members(actor=team.owner, campaign=campaign,
                                           contact_ids=[own_contact.pk, their_contact.pk])
    return account


def _expected(actor, account) -> dict[str, set]:
    """What each scoped selector shows of `account`: the reference the 360 view must match."""
    contact_ids = set(selectors.contacts(actor=actor).filter(account=account).values_list("pk", flat=True))
    return {
        "contacts": contact_ids,
        "deals": set(selectors.deals(actor=actor).filter(account=account).values_list("pk", flat=True)),
        "tickets": set(tickets(actor=actor).filter(account_id=account.pk).values_list("pk", flat=True)),
        "tasks": set(tasks(actor=actor).filter(account=account, done=False).values_list("pk", flat=True)),
        "activities": set(activities(actor=actor).filter(account_id=account.pk).values_list("pk", flat=True)),
        "campaigns": set(CampaignMember.objects.filter(contact_id__in=contact_ids).values_list("pk", flat=True))
        if can_read_campaigns(Access(actor)) else set(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_overview_shows_what_each_scope_allows(team, busy_account, role):
    actor = getattr(team, role)
    account = selectors.account_for_read(actor=actor, pk=busy_account.pk)  # as the views fetch it
    overview = account_overview(actor=actor, account=account)
    shown = {key: {row.pk for row in overview[key]} for key in
             ("contacts", "deals", "tickets", "tasks", "activities", "campaigns")}
    expected = _expected(actor, account)
    assert shown == expected
    assert overview["totals"]["open_count"] == len(expected["deals"])


def test_the_reference_sets_differ_by_role(team, busy_account):
    """The comparison above means something: roles see different parts of the same account."""
    seen = {role: _expected(getattr(team, role), busy_account) for role in ROLES}
    assert len(seen["member"]["contacts"]) == 2 and len(seen["member"]["deals"]) == 2  # member2's rows too
    assert len(seen["member"]["activities"]) == 4 and len(seen["member"]["tasks"]) == 2  # the desk's note too
    assert seen["manager"] == seen["member"]
    assert seen["viewer"] == seen["member"]  # shared for reading: everything under it
    assert seen["support"]["deals"] == set() and len(seen["support"]["activities"]) == 1  # own note only
    assert seen["finance"]["contacts"] == set() and seen["finance"]["activities"] == set()
    assert len(seen["finance"]["deals"]) == 2 and seen["finance"]["tasks"] == set()
    assert len(seen["member"]["campaigns"]) == 2 and seen["support"]["tickets"] == seen["owner"]["tickets"]


@pytest.mark.parametrize("role", ["member2", "outsider"])
def test_an_account_outside_the_scope_is_still_refused(team, busy_account, role):
    """member2 owns rows under the account, yet not the account: no 360 view of it."""
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.account_for_read(actor=getattr(team, role), pk=busy_account.pk)


def _fill(team, account, other):
    """Rows under `account` by several people: the owner's, member's and member2's."""
    services.contact_create(actor=team.owner, data={"name": "Owner's person", "account": account.pk,
                                                    "owner": team.owner.pk})
    services.contact_create(actor=team.owner, data={"name": "Member2's person", "account": account.pk,
                                                    "owner": team.member2.pk})
    services.deal_create(actor=team.owner, data={"name": "Owner's deal", "account": account.pk, "amount": "7",
                                                 "owner": team.owner.pk})
    services.deal_create(actor=team.owner, data={"name": "Member2's deal", "account": account.pk, "amount": "8",
                                                 "owner": team.member2.pk})
    ticket_services.ticket_create(actor=team.owner, data={"account": account.pk, "subject": "On the account"})
    activity_services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Owner's call",
                                                              "account": account.pk})
    activity_services.activity_create(actor=team.owner, data={"kind": "call", "subject": "Member2's call",
                                                              "account": account.pk, "author": team.member2.pk})
    activity_services.task_create(actor=team.owner, data={"title": "Owner's task", "account": account.pk,
                                                          "assignee": team.owner.pk})
    services.contact_create(actor=team.owner, data={"name": "Elsewhere", "account": other.pk})


@pytest.fixture
def kinds_of_account(team, in_alpha):
    """One account of each way a reader comes to see it: in the pool, shared, and a team member's."""
    other = services.account_create(actor=team.owner, data={"name": "Beside them"})
    pool = services.account_create(actor=team.owner, data={"name": "公海客户", "owner": None})
    shared = services.account_create(actor=team.owner, data={"name": "Shared Co"})
    services.account_share(actor=team.owner, account=shared, user=team.member, access="read")
    services.account_share(actor=team.owner, account=shared, user=team.viewer, access="write")
    teams = services.account_create(actor=team.member2, data={"name": "Team Co"})  # in the manager's team
    for account in (pool, shared, teams):
        _fill(team, account, other)
    return {"pool": pool, "shared": shared, "team": teams}


@pytest.mark.parametrize("kind", ["pool", "shared", "team"])
@pytest.mark.parametrize("role", ["owner", "admin", "manager", "member", "member2", "outsider", "support",
                                  "finance", "viewer"])
def test_overview_of_pool_shared_and_team_accounts_equals_the_scoped_selectors(team, kinds_of_account, kind, role):
    from django.http import Http404

    actor, account = getattr(team, role), kinds_of_account[kind]
    try:
        account = selectors.account_for_read(actor=actor, pk=account.pk)
    except Http404:
        return  # no 360 view of an account one cannot open (tested above); nothing to compare
    overview = account_overview(actor=actor, account=account)
    shown = {key: {row.pk for row in overview[key]} for key in
             ("contacts", "deals", "tickets", "tasks", "activities", "campaigns")}
    assert shown == _expected(actor, account)


def test_a_member_sees_only_their_own_rows_under_a_pool_account(team, kinds_of_account, api_alpha):
    # given a pool account holding the owner's and member2's contacts, deals, calls and a task
    pool = kinds_of_account["pool"]
    # when member (who may claim it, so may open it) reads its 360 view through the API
    api_alpha.force_authenticate(team.member)
    body = api_alpha.get(f"/api/v1/accounts/{pool.pk}/overview").json()
    # then none of the others' rows come back: the pool shows the account, not what colleagues keep under it
    assert body["account"]["in_pool"] is True
    assert [c["name"] for c in body["contacts"]] == []
    assert body["deals"] == [] and body["tasks"] == [] and body["activities"] == []
    assert body["totals"]["open_count"] == 0
    # and member2, whose rows they are, sees their own
    api_alpha.force_authenticate(team.member2)
    body = api_alpha.get(f"/api/v1/accounts/{pool.pk}/overview").json()
    assert [c["name"] for c in body["contacts"]] == ["Member2's person"]
    assert [d["name"] for d in body["deals"]] == ["Member2's deal"]
    assert [a["subject"] for a in body["activities"]] == ["Member2's call"]
