"""The 360 view of an account: every registered panel's rows, within what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from core.access.scoping import access_of
from core.entities.registry import registry

from .panels import OverviewContext, panels


def reads_whole_account(actor: Any, account: Model) -> bool:
    """Whether every row under `account` is readable by `actor`, so panels may skip the per-row scopes.

    True for full access, and for the roles scoped to "their accounts and everything under them"
    (manager, member, viewer) when the account is one of *their* accounts — owned, in a managed
    team, or shared with them. An account they only see because it is in the public pool, or
    support and finance (who see just part of what hangs under an account), keep every scope:
    the 360 view then shows exactly what the scoped selectors show.
    """
    access = access_of(actor)
    if access.full:
        return True
    if not access.sees_all_under_visible_account():
        return False
    if getattr(account, "owner_id", None) in access.owner_ids:
        return True  # owned by the reader or their team: in their scope, no query needed
    return registry.get("account").read(actor=actor).filter(pk=account.pk).exists()  # shared, or only pooled


def account_overview(*, actor: Any, account: Model) -> OverviewContext:
    """Load every panel for `account`, which the caller fetched through the account's scoped lookup."""
    context = OverviewContext(actor=actor, access=access_of(actor), account=account,
                              whole=reads_whole_account(actor, account))
    for panel in panels():
        context.data.update(panel.load(context))
    return context
