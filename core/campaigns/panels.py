"""This app's panel of the customer 360 view: the campaigns the account's people take part in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework import serializers

from core.overview.panels import OverviewContext, Panel, register

from . import selectors
from .serializers import MemberOut, member_out

MEMBERSHIP_LIMIT = 100


def _memberships(ctx: OverviewContext) -> dict[str, Any]:
    return {"campaigns": list(selectors.account_campaign_memberships(actor=ctx.actor, account=ctx.account,
                                                                     whole=ctx.whole)[:MEMBERSHIP_LIMIT])}


def _page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    return "campaigns/_account_campaigns.html", {
        "campaign_memberships": ctx["campaigns"],
        "reads_campaigns": selectors.can_read_campaigns(ctx.access)}


def register_panels() -> None:
    register(Panel("campaigns", 70, load=_memberships, page=_page,
                   api=lambda ctx: {"campaigns": [member_out(m, ctx.access) | {"campaign_name": m.campaign.name}
                                                  for m in ctx["campaigns"]]},
                   schema=lambda: {"campaigns": _membership_out()(many=True)}))


def _membership_out() -> type:
    class OverviewCampaignOut(MemberOut):
        campaign_name = serializers.CharField()

    return OverviewCampaignOut
