"""Web pages of campaigns: the list with budget, leads, cost per lead and ROI, a campaign's page, its form.

Thin views over core.campaigns.selectors, like core.records.views: the metrics are the selector's SQL
annotations (one query for a page, none per row); a campaign's members and attributed deals are only
those the user may see (the counts stay workspace-wide, see core.campaigns.selectors).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.access.people import assignable_owners
from core.access.scoping import access_of
from core.customization import custom_view
from core.customization.pipelines import with_stage_labels
from core.customization.query_rules import query_rules
from core.web.pages import form_page, run_service

from . import filters, forms, selectors, services

PAGE_SIZE = 50
MEMBER_LIMIT = 200
DEAL_LIMIT = 200


@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    custom = custom_view.CustomList("campaign", actor)
    rules = query_rules("campaign", actor)  # a field the role may not read is neither offered nor used
    filter_form = custom.add_filters(rules.offered(forms.CampaignFilterForm(request.GET or None),
                                                   filters.CampaignFilter))
    qs = filters.CampaignFilter(rules.usable(request.GET, filters.CampaignFilter),
                                queryset=selectors.campaigns(actor=actor)).qs
    qs = custom.filter(qs, request.GET, filter_form)
    query = request.GET.get("q", "").strip()
    if query and rules.reads("name"):
        qs = qs.filter(name__icontains=query)
    page = Paginator(qs.order_by("-start_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    custom.attach(page.object_list)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "campaigns/campaign_list.html", {
        "page": page, "query": query_without_page.urlencode(),
        "filter_form": filter_form, "custom_columns": custom.columns,
        "can_create": selectors.can_write_campaigns(access_of(actor)),
    })


@login_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_for_read(actor=actor, pk=pk)
    members = list(selectors.campaign_members(actor=actor, campaign=campaign).order_by("-id")[:MEMBER_LIMIT])
    deals = with_stage_labels(list(selectors.campaign_deals(actor=actor, campaign=campaign)
                                    .select_related("account", "contact").order_by("-id")[:DEAL_LIMIT]))
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "members": members, "deals": deals,
        "hidden_members": campaign.lead_count + campaign.contact_count - len(members),
        "hidden_deals": campaign.deal_count - len(deals),
        "custom_block": custom_view.detail_block("campaign", campaign, actor),
        "can_edit": selectors.can_write_campaigns(access_of(actor)),
    })


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = forms.CampaignForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                              initial={"owner": actor.pk, "channel": "other", "status": "planned",
                                       "currency": "CNY"})
    if request.method == "POST":
        campaign = run_service(form, lambda data: services.campaign_create(actor=actor, data=data))
        if campaign is not None:
            messages.success(request, _("Campaign “%(name)s” is created.") % {"name": campaign.name})
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return form_page(request, form, title=_("New campaign"), cancel_url=reverse("campaigns:campaign_list"),
                      testid="campaign-form")


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_for_write(actor=actor, pk=pk)
    form = forms.CampaignForm(request.POST or None, actor=actor, owners=assignable_owners(actor),
                              instance=campaign, initial=forms.CampaignForm.initial_for(campaign))
    if request.method == "POST":
        saved = run_service(form, lambda data: services.campaign_update(actor=actor, campaign=campaign,
                                                                          data=data, version=form.version()))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return form_page(request, form, title=_("Edit %(name)s") % {"name": campaign.name},
                      cancel_url=reverse("campaigns:campaign_detail", args=[campaign.pk]), testid="campaign-form")
