"""Reads of leads, always scoped to what the actor may see.

Who sees which leads (the same rules as accounts, see core.access.policy):
- owner, admin: every lead.
- manager: leads they or the members of the teams they manage own, plus the unassigned pool.
- member: their own leads plus the unassigned pool (anyone who sells may pick a lead from the pool).
- viewer: their own leads, read-only (the pool is for people who can work it).
- finance, support: no leads — prospects are sales work, not money or service.

A lead outside the actor's scope answers exactly like one that does not exist (the records selectors'
`_get`), so ids of other people's leads or of another workspace reveal nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.access.policy import Access
from core.access.scoping import access_of, access_record, access_record_for_write
from core.users.models import User
from core.users.roles import Role

from .models import Lead

NO_LEADS = frozenset({Role.FINANCE, Role.SUPPORT})


def leads_q(access: Access, *, write: bool = False) -> Q:
    """The leads `access` may read (or, with `write`, change), as a Q over Lead."""
    if access.role is None or access.role in NO_LEADS:
        return Q(pk__in=[])
    if access.full:
        return Q()
    if write and not access.can_write():
        return Q(pk__in=[])
    mine = Q(owner_id__in=access.owner_ids)
    return mine | Q(owner__isnull=True) if access.can_write() else mine


def leads(*, actor: User) -> QuerySet[Lead]:
    return Lead.objects.filter(leads_q(access_of(actor)))


def writable_leads(*, actor: User) -> QuerySet[Lead]:
    return Lead.objects.filter(leads_q(access_of(actor), write=True))


def lead_for_read(*, actor: User, pk: Any) -> Lead:
    return access_record(leads(actor=actor), pk)


def lead_for_write(*, actor: User, pk: Any, field: str | None = None) -> Lead:
    """Visible but read-only: 403 (a field error inside a payload). Not visible: the 404 of an absent lead."""
    return access_record_for_write(leads(actor=actor), writable_leads(actor=actor), pk, field)
