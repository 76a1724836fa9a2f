"""This app's panels of the customer 360 view: the account's profile, contacts, deals and timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from rest_framework import serializers

from core.access.scoping import may
from core.customization import custom_view
from core.customization.history import readable_history
from core.customization.pipelines import with_stage_labels
from core.overview.panels import OverviewContext, Panel, register
from core.users.roles import Role

from . import selectors
from . import serializers as out
from .models import Contact, Deal, DealStageChange

CONTACT_LIMIT = DEAL_LIMIT = 200
HISTORY_LIMIT = 50


# --- loads: a fixed number of queries whatever the account holds -----------------------------------

def _contacts(ctx: OverviewContext) -> dict[str, Any]:
    base = Contact.objects.filter(merged_into__isnull=True) if ctx.whole else selectors.contacts(actor=ctx.actor)
    return {"contacts": list(base.filter(account=ctx.account).order_by("name")[:CONTACT_LIMIT])}


def _deals(ctx: OverviewContext) -> dict[str, Any]:
    deal_qs = (Deal.objects.all() if ctx.whole else selectors.deals(actor=ctx.actor)).filter(account=ctx.account)
    totals = deal_qs.aggregate(
        open_count=Count("pk", filter=Q(stage_kind="open")),
        open_amount=Sum("amount", filter=Q(stage_kind="open")),
        won_count=Count("pk", filter=Q(stage_kind="won")),
        won_amount=Sum("amount", filter=Q(stage_kind="won")),
        lost_count=Count("pk", filter=Q(stage_kind="lost")),
    )
    for key in ("open_amount", "won_amount"):
        totals[key] = totals[key] or Decimal("0")
    # amounts only add up within one currency
    by_currency = list(deal_qs.order_by().values("currency").annotate(
        open_amount=Sum("amount", filter=Q(stage_kind="open")),
        won_amount=Sum("amount", filter=Q(stage_kind="won")),
    ).order_by("currency"))
    deals = list(deal_qs.select_related("contact").prefetch_related(
        Prefetch("stage_changes", queryset=DealStageChange.objects.order_by("created_at"))).order_by("-id")[:DEAL_LIMIT])
    return {"deals": deals, "totals": totals, "totals_by_currency": by_currency}


def _history(ctx: OverviewContext) -> dict[str, Any]:
    rows = readable_history(actor=ctx.actor, entity="account", record_id=ctx.account.pk)
    return {"history": list(rows[:HISTORY_LIMIT])}


# --- the API's parts ---------------------------------------------------------------------------------

def _profile_api(ctx: OverviewContext) -> dict[str, Any]:
    return {"account": out.account_out(ctx.account, ctx.access)}


def _contacts_api(ctx: OverviewContext) -> dict[str, Any]:
    return {"contacts": [out.contact_out(c, ctx.access) for c in ctx["contacts"]]}


def _deals_api(ctx: OverviewContext) -> dict[str, Any]:
    totals = {key: str(value) if not isinstance(value, int) else value for key, value in ctx["totals"].items()}
    return {
        "deals": [out.deal_out(d, ctx.access) for d in ctx["deals"]],
        "totals": totals,
        "totals_by_currency": [{"currency": row["currency"], "open_amount": str(row["open_amount"] or "0.00"),
                                "won_amount": str(row["won_amount"] or "0.00")} for row in ctx["totals_by_currency"]],
    }


def _history_api(ctx: OverviewContext) -> dict[str, Any]:
    return {"history": [{"field": h.field, "old": h.old_value, "new": h.new_value, "actor": h.actor_label,
                         "at": h.created_at} for h in ctx["history"]]}


# --- the page's parts --------------------------------------------------------------------------------

def _profile_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    from .views import ACCOUNT_PROFILE, _money_by_currency, _profile

    actor, access, account = ctx.actor, ctx.access, ctx.account
    shown = out.account_out(account, access)
    deals = ctx["deals"]
    return "records/_account_head.html", {
        "profile": _profile("account", shown, ACCOUNT_PROFILE),
        "custom_block": custom_view.detail_block("account", account, actor, reveal_url=(
            (lambda key: reverse("records:account_reveal_custom", args=[account.pk, key]))
            if access.may_reveal() else None)),
        "owner_name": account.owner.name if account.owner_id else "",
        "totals": ctx["totals"],
        "open_by_currency": _money_by_currency([d for d in deals if d.stage_kind == Deal.Kind.OPEN]),
        "won_by_currency": _money_by_currency([d for d in deals if d.stage_kind == Deal.Kind.WON]),
        "can_edit": may(lambda: selectors.account_for_write(actor=actor, pk=account.pk)),
        "can_claim": account.owner_id is None and access.can_write(),
        "is_mine": account.owner_id == actor.pk,
        "can_reveal_phones": bool(shown.get("phones")) and access.may_reveal(),
        "can_reveal_bank": bool(shown.get("bank_account")) and (access.full or access.role == Role.FINANCE),
        "can_add": access.can_write(),
    }


def _contacts_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    return "records/_account_contacts.html", {
        "contacts": [(contact, out.contact_out(contact, ctx.access)) for contact in ctx["contacts"]]}


def _deals_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    deals = with_stage_labels(ctx["deals"])
    return "records/_account_deals.html", {
        "open_deals": [deal for deal in deals if deal.stage_kind == Deal.Kind.OPEN],
        "closed_deals": [deal for deal in deals if deal.stage_kind != Deal.Kind.OPEN]}


def _timeline_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    from .views import _timeline

    return "records/_timeline.html", {
        "timeline": _timeline(ctx.actor, entity="account", history=ctx["history"], deals=ctx["deals"])}


# --- the answer's shape (the OpenAPI document) --------------------------------------------------------

class OverviewTotalsOut(serializers.Serializer):
    open_count = serializers.IntegerField()
    open_amount = serializers.CharField(help_text="Decimal as a string; adds up all currencies.")
    won_count = serializers.IntegerField()
    won_amount = serializers.CharField(help_text="Decimal as a string; adds up all currencies.")
    lost_count = serializers.IntegerField()


class OverviewCurrencyOut(serializers.Serializer):
    currency = serializers.CharField()
    open_amount = serializers.CharField()
    won_amount = serializers.CharField()


class OverviewHistoryOut(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    actor = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


def register_panels() -> None:
    register(Panel("profile", 10, load=lambda ctx: {}, api=_profile_api, page=_profile_page,
                   schema=lambda: {"account": out.AccountOut()}))
    register(Panel("contacts", 20, load=_contacts, api=_contacts_api, page=_contacts_page,
                   schema=lambda: {"contacts": out.ContactOut(many=True)}))
    register(Panel("deals", 30, load=_deals, api=_deals_api, page=_deals_page,
                   schema=lambda: {"deals": out.DealOut(many=True), "totals": OverviewTotalsOut(),
                                   "totals_by_currency": OverviewCurrencyOut(many=True)}))
    register(Panel("history", 100, load=_history, api=_history_api, page=_timeline_page,
                   schema=lambda: {"history": OverviewHistoryOut(many=True)}))
