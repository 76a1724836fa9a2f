"""Reads of campaigns, with their metrics computed in SQL, and who may see them.

Access decision — marketing data is workspace-wide, not owner-scoped like accounts:
- owner, admin, manager: read and change every campaign (managers run marketing for their teams, and a
  campaign usually spans several owners' customers).
- member, viewer: read every campaign (what runs, when, on which channel, how it performs).
- finance: reads every campaign too, budget and ROI included — budgets are money, and finance is who
  checks spend. Finance never sees people, so the member list shows it no leads and no contacts.
- support: no campaigns (service work has no use for them).
The *member list* and the *attributed deals* of a campaign are filtered further by what the actor may
see of leads, contacts and deals: a member sees that a campaign has 40 lead members (a count), but only
the names of the leads they may read. The counts and ROI are workspace-wide, like the campaign itself.

Metrics (one query for a page of campaigns: correlated subqueries, no per-row queries):
- lead_count, contact_count: members of each kind;
- won_amount: sum of the amounts of attributed deals whose stage kind is "won", in the campaign's currency
  (a deal in another currency cannot be added up without an exchange rate, so it is not counted);
- cost_per_lead = budget / lead_count, rounded to cents; NULL when there are no lead members;
- roi = won_amount / budget, rounded to two places (revenue returned per unit spent: 2.50 means the won
  deals brought 2.5 times the budget); NULL when the budget is 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, Round

from core.access.policy import Access
from core.access.scoping import access_of, access_record, access_record_for_write
from core.leads.selectors import leads
from core.records.models import Account, Contact, Deal
from core.records.selectors import contacts, deals
from core.users.models import User
from core.users.roles import Role

from .models import Campaign, CampaignDeal, CampaignMember

READ_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.VIEWER, Role.FINANCE})
WRITE_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER})

MONEY = DecimalField(max_digits=20, decimal_places=2)


def can_read_campaigns(access: Access) -> bool:
    return access.role in READ_ROLES


def can_write_campaigns(access: Access) -> bool:
    return access.role in WRITE_ROLES


def _count(qs: QuerySet) -> Subquery:
    return Subquery(qs.order_by().values("campaign").annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def with_metrics(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Annotate lead_count, contact_count, deal_count, won_amount, cost_per_lead and roi (see the module doc)."""
    members = CampaignMember.objects.filter(campaign=OuterRef("pk"))
    links = CampaignDeal.objects.filter(campaign=OuterRef("pk"))
    won = (links.filter(deal__stage_kind=Deal.Kind.WON, deal__currency=OuterRef("currency")).order_by()
           .values("campaign").annotate(total=Sum("deal__amount")).values("total"))
    return qs.annotate(
        lead_count=Coalesce(_count(members.filter(lead__isnull=False)), 0),
        contact_count=Coalesce(_count(members.filter(contact__isnull=False)), 0),
        deal_count=Coalesce(_count(links), 0),
        won_amount=Coalesce(Subquery(won, output_field=MONEY), Value(Decimal("0.00")), output_field=MONEY),
    ).annotate(
        cost_per_lead=Round(ExpressionWrapper(F("budget") / NullIf(F("lead_count"), 0), output_field=MONEY), 2),
        roi=Round(ExpressionWrapper(F("won_amount") / NullIf(F("budget"), Value(Decimal("0"))), output_field=MONEY),
                  2),
    )


def _readable(actor: User) -> QuerySet[Campaign]:
    return Campaign.objects.all() if can_read_campaigns(access_of(actor)) else Campaign.objects.none()


def campaigns(*, actor: User) -> QuerySet[Campaign]:
    """Every campaign the actor may read, with its metrics."""
    return with_metrics(_readable(actor))


def writable_campaigns(*, actor: User) -> QuerySet[Campaign]:
    return Campaign.objects.all() if can_write_campaigns(access_of(actor)) else Campaign.objects.none()


def campaign_for_read(*, actor: User, pk: Any) -> Campaign:
    return access_record(campaigns(actor=actor), pk)


def campaign_for_write(*, actor: User, pk: Any, field: str | None = None) -> Campaign:
    """Readable but not changeable: 403; not readable (support, another workspace, absent): 404."""
    return access_record_for_write(_readable(actor), writable_campaigns(actor=actor), pk, field)


def campaign_members(*, actor: User, campaign: Campaign) -> QuerySet[CampaignMember]:
    """The members of `campaign` whose lead or contact the actor may see (finance: none)."""
    visible = Q(lead__in=leads(actor=actor).values("pk")) | Q(contact__in=contacts(actor=actor).values("pk"))
    return CampaignMember.objects.filter(visible, campaign=campaign).select_related("lead", "contact")


def campaign_deals(*, actor: User, campaign: Campaign) -> QuerySet[Deal]:
    """The deals attributed to `campaign` that the actor may see."""
    return deals(actor=actor).filter(campaign_links__campaign=campaign)


def account_campaign_memberships(*, actor: User, account: Account | int,
                                 whole: bool = False) -> QuerySet[CampaignMember]:
    """For the account's 360 view: each membership of one of its contacts in a campaign, newest campaign first.

    Only contacts the actor may see count, and nothing for a role that reads no campaigns; each row carries
    its `campaign` and `contact` (select_related), so the caller needs no further query. `whole=True`:
    the caller established that the actor reads everything under the account (core.overview), so the
    contacts' scope is skipped.
    """
    access = access_of(actor)
    if not can_read_campaigns(access):
        return CampaignMember.objects.none()
    base = Contact.objects.filter(merged_into__isnull=True) if whole else contacts(actor=actor)
    account_contacts = base.filter(account=account).values("pk")
    return (CampaignMember.objects.filter(contact__in=account_contacts).select_related("campaign", "contact")
            .order_by("-campaign__start_date", "-campaign_id", "contact__name"))
