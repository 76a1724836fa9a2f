"""Which accounts, contacts, deals and products a user may read or change, as Q objects per model.

Role facts (full access, the owners a manager answers for, read-only roles) come from
core.access.policy.Access; the rows of other apps that widen a scope are registered by those apps
(`registry.extend_scope`): support sees the accounts and people its tickets refer to.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from core.access.policy import Access
from core.entities.registry import registry
from core.users.roles import Role

from .models import Account, AccountShare

NOTHING = Q(pk__in=[])
NO_WRITES = frozenset({Role.VIEWER, Role.FINANCE, Role.SUPPORT})


def _extended(key: str, access: Access, base: Q, write: bool) -> Q:
    extra = registry.scope_extensions(key, access, write=write)
    return base if extra is None else base | extra


def accounts_q(access: Access, *, write: bool = False) -> Q:
    if access.role is None:
        return NOTHING
    if access.full:
        return Q()
    if write and access.role in NO_WRITES:
        return NOTHING
    if access.role == Role.FINANCE:
        return Q()
    if access.role == Role.SUPPORT:
        return _extended("account", access, NOTHING, write)
    levels = ["write"] if write else ["read", "write"]
    shared = AccountShare.objects.filter(user_id=access.user.pk, access__in=levels).values("account_id")
    return _extended("account", access, Q(owner_id__in=access.owner_ids) | Q(pk__in=shared), write)


def under_account_q(access: Access, *, write: bool = False) -> Q:
    """Contacts and deals: visible with their account, or when the user owns them."""
    if access.role is None:
        return NOTHING
    if access.full:
        return Q()
    if (write and access.role in NO_WRITES) or access.role == Role.SUPPORT:
        return NOTHING
    # a correlated EXISTS: an `IN (subquery)` inside an OR makes PostgreSQL collect every visible
    # account first (a full scan for members); EXISTS checks just this row's account
    visible = Account.objects.filter(pk=OuterRef("account_id")).filter(accounts_q(access, write=write))
    return Q(owner_id__in=access.owner_ids) | Q(Exists(visible))


def deals_q(access: Access, *, write: bool = False) -> Q:
    if access.role == Role.FINANCE:
        return NOTHING if write else Q()
    return _extended("deal", access, under_account_q(access, write=write), write)


def contacts_q(access: Access, *, write: bool = False) -> Q:
    if access.role == Role.FINANCE:
        return NOTHING
    if access.role == Role.SUPPORT:
        return _extended("contact", access, NOTHING, write)
    return _extended("contact", access, under_account_q(access, write=write), write)


def products_q(access: Access, *, write: bool = False) -> Q:
    if write:
        return Q() if access.full else NOTHING
    return Q() if access.role is not None else NOTHING
