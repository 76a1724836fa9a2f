"""This app's panel of the customer 360 view: the account's tickets with their SLA state."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.overview.panels import OverviewContext, Panel, register

from . import selectors
from .serializers import TicketOut, ticket_out

TICKET_LIMIT = 100


def _tickets(ctx: OverviewContext) -> dict[str, Any]:
    return {"tickets": list(selectors.account_tickets(actor=ctx.actor, account=ctx.account,
                                                      whole=ctx.whole)[:TICKET_LIMIT])}


def _tickets_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    from .views import account_tickets_context

    return "service/_account_tickets.html", account_tickets_context(request, ctx)


def register_panels() -> None:
    register(Panel("tickets", 60, load=_tickets, page=_tickets_page,
                   api=lambda ctx: {"tickets": [ticket_out(t, ctx.access) for t in ctx["tickets"]]},
                   schema=lambda: {"tickets": TicketOut(many=True)}))
