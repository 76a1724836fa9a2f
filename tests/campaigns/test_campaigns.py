"""Campaigns: dates, metrics computed in SQL, members, attributed deals, access and isolation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.campaigns import selectors, services
from core.campaigns.models import Campaign, CampaignDeal, CampaignMember
from core.leads import services as leads_services
from core.records import services as records_services
from tests.campaigns.conftest import api_for


@pytest.fixture
def owner_api(team):
    return api_for(team.owner)


def _campaign(actor, **data):
    return services.campaign_create(actor=actor, data={"name": "Spring Expo", "channel": "exhibition",
                                                       "start_date": "2026-03-01", "end_date": "2026-03-31",
                                                       "budget": "10000.00", **data})


def _errors(error: ValidationError) -> list[tuple[str, str]]:
    return [(field, e.code) for field, errors in error.error_dict.items() for e in errors]


# --- fields ---------------------------------------------------------------------------------------

def test_end_before_start_is_rejected_on_create_and_update(owner_api, alpha):
    # when a campaign ending before it starts is posted
    response = owner_api.post("/api/v1/campaigns", {"name": "Backwards", "start_date": "2026-05-10",
                                                    "end_date": "2026-05-01"}, format="json")
    # then the end date is named and nothing was created
    assert response.status_code == 400
    assert [(f["path"], f["code"]) for f in response.json()["error"]["fields"]] == [("end_date", "before_start")]
    with schema_context(alpha.schema_name):
        assert Campaign.objects.count() == 0
    # given a valid campaign, when only its start moves past its end
    created = owner_api.post("/api/v1/campaigns", {"name": "Forwards", "start_date": "2026-05-01",
                                                   "end_date": "2026-05-10"}, format="json").json()
    moved = owner_api.patch(f"/api/v1/campaigns/{created['id']}", {"start_date": "2026-06-01"}, format="json")
    # then it is refused against the stored end date, and the campaign is unchanged
    assert moved.status_code == 400
    assert [(f["path"], f["code"]) for f in moved.json()["error"]["fields"]] == [("end_date", "before_start")]
    with schema_context(alpha.schema_name):
        assert str(Campaign.objects.get(pk=created["id"]).start_date) == "2026-05-01"


def test_validation_errors_name_every_field(owner_api):
    response = owner_api.post("/api/v1/campaigns", {"name": "", "channel": "pigeon", "start_date": "someday",
                                                    "budget": "-5", "currency": "XXX"}, format="json")
    assert response.status_code == 400
    assert {(f["path"], f["code"]) for f in response.json()["error"]["fields"]} == {
        ("name", "required"), ("channel", "invalid_choice"), ("start_date", "invalid"), ("budget", "min_value"),
        ("currency", "invalid_currency")}


def test_database_refuses_end_before_start_too(team, in_alpha):
    campaign = _campaign(team.owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(end_date="2026-01-01")


# --- metrics ---------------------------------------------------------------------------------------

@pytest.fixture
def expo(team, in_alpha):
    """Budget 10000.00; two lead members and one contact; attributed deals: won 25000, lost 5000, open 7000."""
    campaign = _campaign(team.owner)
    account = records_services.account_create(actor=team.owner, data={"name": "Expo Buyer"})
    contact = records_services.contact_create(actor=team.owner, data={"name": "Buyer", "account": account.pk})
    leads = [leads_services.lead_create(actor=team.owner, data={"name": f"Visitor {i}"}) for i in range(2)]
    services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk for lead in leads],
                                  contact_ids=[contact.pk])
    for name, amount, stage in [("Won", "25000", "won"), ("Lost", "5000", "lost"), ("Open", "7000", "proposal")]:
        deal = records_services.deal_create(actor=team.owner, data={"name": name, "account": account.pk,
                                                                    "amount": amount, "stage": stage})
        services.campaign_attribute_deal(actor=team.owner, campaign=campaign, deal_id=deal.pk)
    return campaign, account, contact, leads


def test_roi_and_cost_per_lead_are_exact(team, expo):
    campaign = expo[0]
    # when the campaign is read through the API
    body = api_for(team.owner).get(f"/api/v1/campaigns/{campaign.pk}").json()
    # then ROI counts only the won deal, and cost per lead divides the budget by the two leads
    assert (body["budget"], body["lead_count"], body["contact_count"], body["deal_count"]) == ("10000.00", 2, 1, 3)
    assert (body["won_amount"], body["roi"], body["cost_per_lead"]) == ("25000.00", "2.50", "5000.00")


def test_no_leads_and_no_budget_give_no_ratios(team, in_alpha):
    campaign = _campaign(team.owner, budget="0")
    found = selectors.campaigns(actor=team.owner).get(pk=campaign.pk)
    assert (found.lead_count, found.won_amount, found.cost_per_lead, found.roi) == (0, 0, None, None)


def test_cost_per_lead_rounds_to_cents(team, in_alpha):
    campaign = _campaign(team.owner, budget="100.00")
    leads = [leads_services.lead_create(actor=team.owner, data={"name": f"L{i}"}) for i in range(3)]
    services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk for lead in leads])
    assert str(selectors.campaigns(actor=team.owner).get(pk=campaign.pk).cost_per_lead) == "33.33"


def test_list_costs_the_same_queries_for_1_and_50_campaigns(team, alpha):
    member_api = api_for(team.member)

    def make(n):
        with schema_context(alpha.schema_name):
            for i in range(n):
                campaign = _campaign(team.owner, name=f"C {i}")
                lead = leads_services.lead_create(actor=team.owner, data={"name": f"L {i}"})
                services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[lead.pk])

    make(1)
    member_api.get("/api/v1/campaigns")  # warm-up: token last-use and workspace activity writes happen once a minute
    with CaptureQueriesContext(connection) as one:
        assert len(member_api.get("/api/v1/campaigns").json()["results"]) == 1
    make(49)
    member_api.get("/api/v1/campaigns")
    with CaptureQueriesContext(connection) as fifty:
        results = member_api.get("/api/v1/campaigns").json()["results"]
    assert len(results) == 50
    assert {(c["lead_count"], c["cost_per_lead"]) for c in results} == {(1, "10000.00")}
    assert len(fifty.captured_queries) == len(one.captured_queries)


# --- members and deals -----------------------------------------------------------------------------

def test_members_are_unique_and_exactly_one_kind(team, expo):
    campaign, _account, contact, leads = expo
    # when the same lead and contact are added again
    added = services.campaign_add_members(actor=team.owner, campaign=campaign, lead_ids=[leads[0].pk, leads[0].pk],
                                          contact_ids=[contact.pk])
    # then nothing is added twice
    assert added == {"leads": [], "contacts": []}
    assert CampaignMember.objects.filter(campaign=campaign).count() == 3
    # and the database refuses a member that is neither or both a lead and a contact, or a duplicate
    for bad in ({}, {"lead": leads[0], "contact": contact}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CampaignMember.objects.create(campaign=campaign, **bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignMember.objects.create(campaign=campaign, lead=leads[1])


def test_adding_a_record_the_manager_cannot_see_adds_nothing(team, in_alpha):
    # given a campaign of the manager and a lead of the outsider (not in the manager's team)
    campaign = _campaign(team.manager)
    visible = leads_services.lead_create(actor=team.owner, data={"name": "Team lead", "owner": team.member.pk})
    hidden = leads_services.lead_create(actor=team.owner, data={"name": "Other lead", "owner": team.outsider.pk})
    # when the manager adds both
    with pytest.raises(ValidationError) as error:
        services.campaign_add_members(actor=team.manager, campaign=campaign, lead_ids=[visible.pk, hidden.pk])
    # then the leads field is refused as if the hidden one did not exist, and no member was added
    assert _errors(error.value) == [("leads", "does_not_exist")]
    assert CampaignMember.objects.filter(campaign=campaign).count() == 0


def test_members_api_add_list_remove(team, alpha):
    owner_api = api_for(team.owner)
    campaign = owner_api.post("/api/v1/campaigns", {"name": "WeChat push", "channel": "wechat",
                                                    "start_date": "2026-04-01", "budget": "900"}, format="json").json()
    with schema_context(alpha.schema_name):
        mine = leads_services.lead_create(actor=team.owner, data={"name": "Member's", "owner": team.member.pk})
        theirs = leads_services.lead_create(actor=team.owner, data={"name": "Outsider's", "owner": team.outsider.pk})
    path = f"/api/v1/campaigns/{campaign['id']}/members"
    # when the owner adds two leads
    added = owner_api.post(path, {"leads": [mine.pk, theirs.pk]}, format="json")
    assert added.status_code == 200, added.content
    assert added.json()["added"] == {"leads": [mine.pk, theirs.pk], "contacts": []}
    assert (added.json()["campaign"]["lead_count"], added.json()["campaign"]["cost_per_lead"]) == (2, "450.00")
    # then the member lists only the lead they may see, finance sees no people, and counts stay workspace-wide
    listed = api_for(team.member).get(path).json()["results"]
    assert [(m["lead"]["name"], m["contact"]) for m in listed] == [("Member's", None)]
    assert api_for(team.finance).get(path).json()["results"] == []
    assert api_for(team.member).get(f"/api/v1/campaigns/{campaign['id']}").json()["lead_count"] == 2
    # and a member may not change the list
    assert api_for(team.member).delete(path, {"leads": [mine.pk]}, format="json").status_code == 403
    with schema_context(alpha.schema_name):
        assert CampaignMember.objects.filter(campaign_id=campaign["id"]).count() == 2
    # when the owner removes one
    removed = owner_api.delete(path, {"leads": [theirs.pk]}, format="json")
    assert removed.json()["removed"] == {"leads": [theirs.pk], "contacts": []}
    assert removed.json()["campaign"]["lead_count"] == 1


def test_attributing_deals(team, expo, alpha):
    campaign, account, _contact, _leads = expo
    owner_api = api_for(team.owner)
    path = f"/api/v1/campaigns/{campaign.pk}/deals"
    with schema_context(alpha.schema_name):
        usd = records_services.deal_create(actor=team.owner, data={"name": "USD", "account": account.pk,
                                                                   "amount": "1", "currency": "USD"})
        hidden = records_services.account_create(actor=team.owner, data={"name": "Hidden",
                                                                         "owner": team.outsider.pk})
        hidden_deal = records_services.deal_create(actor=team.owner, data={"name": "Hidden deal",
                                                                           "account": hidden.pk})
        won = CampaignDeal.objects.filter(campaign=campaign).order_by("id").first().deal_id
        before = CampaignDeal.objects.count()
    # a deal in another currency, and one the manager cannot see, are refused by name
    assert owner_api.post(path, {"deal": usd.pk}, format="json").json()["error"]["fields"][0]["code"] == (
        "currency_mismatch")
    refused = api_for(team.manager).post(path, {"deal": hidden_deal.pk}, format="json")
    assert [(f["path"], f["code"]) for f in refused.json()["error"]["fields"]] == [("deal", "does_not_exist")]
    # attributing again is harmless
    again = owner_api.post(path, {"deal": won}, format="json")
    assert (again.status_code, again.json()["campaign"]["roi"]) == (200, "2.50")
    with schema_context(alpha.schema_name):
        assert CampaignDeal.objects.count() == before
    # a new won deal counts at once
    with schema_context(alpha.schema_name):
        more = records_services.deal_create(actor=team.owner, data={"name": "More", "account": account.pk,
                                                                    "amount": "5000", "stage": "won"})
    created = owner_api.post(path, {"deal": more.pk}, format="json")
    assert (created.status_code, created.json()["campaign"]["roi"]) == (201, "3.00")
    # and the currency cannot change under attributed deals
    changed = owner_api.patch(f"/api/v1/campaigns/{campaign.pk}", {"currency": "USD"}, format="json")
    assert [(f["path"], f["code"]) for f in changed.json()["error"]["fields"]] == [("currency", "currency_in_use")]
    assert sorted(d["name"] for d in owner_api.get(path).json()["results"]) == ["Lost", "More", "Open", "Won"]


def test_account_campaign_memberships_for_the_360_view(team, expo):
    campaign, account, contact, _leads = expo
    # given a second campaign with the same contact, and a contact of another account in the first one
    later = _campaign(team.owner, name="Autumn Expo", start_date="2026-09-01", end_date="2026-09-30")
    services.campaign_add_members(actor=team.owner, campaign=later, contact_ids=[contact.pk])
    other = records_services.account_create(actor=team.owner, data={"name": "Other buyer"})
    stranger = records_services.contact_create(actor=team.owner, data={"name": "Stranger", "account": other.pk})
    services.campaign_add_members(actor=team.owner, campaign=campaign, contact_ids=[stranger.pk])
    # when the account's memberships are read
    memberships = selectors.account_campaign_memberships(actor=team.owner, account=account)
    # then both of its contact's campaigns are listed, newest first, and nobody else's
    with CaptureQueriesContext(connection) as queries:
        rows = [(m.campaign.name, m.contact.name) for m in memberships]
    assert rows == [("Autumn Expo", "Buyer"), ("Spring Expo", "Buyer")]
    assert [q["sql"].split()[0] for q in queries.captured_queries if not q["sql"].startswith("SET ")] == ["SELECT"]
    # and roles that cannot see the contact or the campaigns get none
    for who in ("member", "finance", "support"):
        assert list(selectors.account_campaign_memberships(actor=getattr(team, who), account=account)) == []


# --- access ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["owner", "admin", "manager", "member", "member2", "outsider", "viewer",
                                 "finance", "support"])
def test_who_reads_campaigns(team, in_alpha, who):
    campaign = _campaign(team.owner)
    readable = set(selectors.campaigns(actor=getattr(team, who)).values_list("pk", flat=True))
    assert readable == (set() if who == "support" else {campaign.pk})


@pytest.mark.parametrize("who", ["member", "viewer", "finance", "support"])
def test_only_owner_admin_and_manager_write(team, in_alpha, who):
    campaign = _campaign(team.owner)
    user = getattr(team, who)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=user, data={"name": "Mine", "start_date": "2026-01-01"})
    error = Http404 if who == "support" else PermissionDenied  # support does not even see campaigns
    with pytest.raises(error):
        services.campaign_update(actor=user, campaign=campaign, data={"budget": "1"})
    with pytest.raises(error):
        services.campaign_delete(actor=user, campaign=campaign)
    assert list(Campaign.objects.values_list("name", "budget")) == [("Spring Expo", campaign.budget)]


def test_finance_reads_budget_and_roi(team, expo):
    body = api_for(team.finance).get(f"/api/v1/campaigns/{expo[0].pk}").json()
    assert (body["budget"], body["roi"], body["cost_per_lead"]) == ("10000.00", "2.50", "5000.00")


def test_manager_creates_and_support_sees_nothing(team, alpha):
    created = api_for(team.manager).post("/api/v1/campaigns", {"name": "Team webinar", "channel": "online_ads",
                                                               "start_date": "2026-02-01"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["owner"], created.json()["roi"], created.json()["lead_count"]) == (team.manager.pk, None, 0)
    support_api = api_for(team.support)
    assert support_api.get("/api/v1/campaigns").json()["results"] == []
    assert support_api.get(f"/api/v1/campaigns/{created.json()['id']}").status_code == 404


def test_another_workspaces_ids_answer_like_absent(owner_api, beta_owner_api, alpha):
    # given a campaign in alpha
    campaign = owner_api.post("/api/v1/campaigns", {"name": "Alpha only", "start_date": "2026-01-01"},
                              format="json").json()
    # when beta's owner uses its id on beta
    hidden = beta_owner_api.get(f"/api/v1/campaigns/{campaign['id']}")
    absent = beta_owner_api.get("/api/v1/campaigns/99999999")
    # then every path answers like an absent campaign, and nothing in alpha changed
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    for method, suffix, body in [("patch", "", {"name": "x"}), ("delete", "", None), ("get", "/members", None),
                                 ("post", "/members", {"leads": []}), ("post", "/deals", {"deal": 1})]:
        response = getattr(beta_owner_api, method)(f"/api/v1/campaigns/{campaign['id']}{suffix}", body, format="json")
        assert response.status_code == 404, (method, suffix)
    with schema_context(alpha.schema_name):
        assert Campaign.objects.get(pk=campaign["id"]).name == "Alpha only"
