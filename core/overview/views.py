"""The account page: the 360 view in the browser, one block per registered panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.access.scoping import access_record
from core.audit.services import audit_record
from core.entities.registry import registry

from .panels import panels
from .selectors import account_overview


@login_required
@require_safe
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account_type = registry.get("account")
    try:
        account = access_record(account_type.open_queryset(actor=actor), pk)
    except Http404:
        target = account_type.successor(actor=actor, pk=pk) if account_type.successor else None
        if target is None:
            raise
        return redirect(account_type.url_name, pk=target.pk)
    overview = account_overview(actor=actor, account=account)
    audit_record(actor=actor, action="view", entity="account", record=account, record_label=str(account))
    blocks = []
    for panel in panels():
        if panel.page is not None:
            template, context = panel.page(request, overview)
            blocks.append({"key": panel.key, "template": template, "context": context})
    return render(request, "overview/account_detail.html", {"account": account, "blocks": blocks})
