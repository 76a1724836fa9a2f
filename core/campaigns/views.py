"""Web pages of campaigns: the list with budget, leads, cost per lead and ROI, and a campaign's page.

Thin views over core.campaigns.selectors, like core.records.views: the metrics are the selector's SQL
annotations (one query for a page, none per row); a campaign's members and attributed deals are only
those the user may see (the counts stay workspace-wide, see core.campaigns.selectors).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.records.views import _with_stage_labels
from core.records.writepath import access_of

from . import filters, forms, selectors

PAGE_SIZE = 50
MEMBER_LIMIT = 200
DEAL_LIMIT = 200


def account_context(request: HttpRequest, account, overview: dict[str, Any]) -> dict[str, Any]:
    """What the campaigns block of the account page needs (core.records.views.account_detail)."""
    return {"campaign_memberships": overview["campaigns"],
            "reads_campaigns": selectors.can_read_campaigns(access_of(request.user))}


@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    qs = filters.CampaignFilter(request.GET, queryset=selectors.campaigns(actor=request.user)).qs
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(name__icontains=query)
    page = Paginator(qs.order_by("-start_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "campaigns/campaign_list.html", {
        "page": page, "query": query_without_page.urlencode(),
        "filter_form": forms.CampaignFilterForm(request.GET or None),
    })


@login_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_for_read(actor=actor, pk=pk)
    members = list(selectors.campaign_members(actor=actor, campaign=campaign).order_by("-id")[:MEMBER_LIMIT])
    deals = _with_stage_labels(list(selectors.campaign_deals(actor=actor, campaign=campaign)
                                    .select_related("account", "contact").order_by("-id")[:DEAL_LIMIT]))
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "members": members, "deals": deals,
        "hidden_members": campaign.lead_count + campaign.contact_count - len(members),
        "hidden_deals": campaign.deal_count - len(deals),
    })
