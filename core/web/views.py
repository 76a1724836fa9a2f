"""The workspace home page: a small dashboard of the user's own work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.records import selectors as records


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    open_deals = (records.deals(actor=actor).filter(owner=actor, stage_kind="open").order_by()
                  .values("currency").annotate(count=Count("pk"), total=Sum("amount")).order_by("currency"))
    open_deals = list(open_deals)
    return render(request, "web/home.html", {
        "open_deal_count": sum(row["count"] for row in open_deals),
        "open_deal_totals": [(row["currency"], row["total"]) for row in open_deals],
        "my_account_count": records.accounts(actor=actor).filter(owner=actor).count(),
        "pool_count": records.pool(actor=actor).count(),
    })
