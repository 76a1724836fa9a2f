"""Reads of activities and tasks, always scoped to what the actor may see (core.access.policy).

An activity or a task is visible with the records it hangs under: to whoever may see its account,
its contact or its deal, and to its author / assignee / creator (and their manager). Owners and
admins see all. Support sees the activities they wrote and the tasks given to them; finance sees no
activities and only the tasks given to them; a viewer reads like a member and changes nothing.
A link to a lead or a ticket (plain ids for now, see core.activities.models) grants nothing.

Anything outside the scope answers exactly like a row that does not exist (core.access.scoping.access_record).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from core.access.policy import Access
from core.access.scoping import access_of, access_record, access_record_for_write
from core.records import scopes
from core.records.models import Account, Contact, Deal
from core.records.selectors import contacts, deals
from core.users.models import User
from core.users.roles import Role

from .models import Activity, Task

NOTHING = Q(pk__in=[])


def _linked_q(access: Access, *, write: bool) -> Q:
    """Rows whose account, contact or deal the actor may see (or change, with `write`)."""
    # correlated EXISTS per link: `IN (subquery)` inside an OR would collect every visible record first
    visible_account = Account.objects.filter(pk=OuterRef("account_id")).filter(scopes.accounts_q(access, write=write))
    visible_contact = Contact.objects.filter(pk=OuterRef("contact_id")).filter(scopes.contacts_q(access, write=write))
    visible_deal = Deal.objects.filter(pk=OuterRef("deal_id")).filter(scopes.deals_q(access, write=write))
    return Q(Exists(visible_account)) | Q(Exists(visible_contact)) | Q(Exists(visible_deal))


def activities_q(access: Access, *, write: bool = False) -> Q:
    """The activities `access` may read, or change with `write` (one Q, so lists stay one query)."""
    if access.role is None or access.role == Role.FINANCE:
        return NOTHING  # finance works with money, not with conversations
    if access.full:
        return Q()
    if access.role == Role.SUPPORT:
        return Q(author_id=access.user.pk)  # the service desk logs its own calls on tickets
    if write and not access.can_write():
        return NOTHING  # viewer
    return Q(author_id__in=access.owner_ids) | _linked_q(access, write=write)


def tasks_q(access: Access, *, write: bool = False) -> Q:
    """The tasks `access` may read, or change with `write`. A task given to someone is theirs to close."""
    if access.role is None:
        return NOTHING
    if access.full:
        return Q()
    if access.role in (Role.SUPPORT, Role.FINANCE):
        return Q(assignee_id=access.user.pk)
    if write and not access.can_write():
        return NOTHING  # viewer
    mine = Q(assignee_id__in=access.owner_ids) | Q(created_by_id__in=access.owner_ids)
    return mine | _linked_q(access, write=write)


def activities(*, actor: User) -> QuerySet[Activity]:
    """Every activity the actor may read: the base of lists, the API and the timeline."""
    return Activity.objects.filter(activities_q(access_of(actor)))


def tasks(*, actor: User) -> QuerySet[Task]:
    """Every task the actor may read."""
    return Task.objects.filter(tasks_q(access_of(actor)))


def writable_activities(*, actor: User) -> QuerySet[Activity]:
    return Activity.objects.filter(activities_q(access_of(actor), write=True))


def writable_tasks(*, actor: User) -> QuerySet[Task]:
    return Task.objects.filter(tasks_q(access_of(actor), write=True))


def activity_for_write(*, actor: User, pk: Any) -> Activity:
    """Visible but not changeable: 403; not visible: the same 404 as an absent activity."""
    return access_record_for_write(activities(actor=actor), writable_activities(actor=actor), pk, None)


def task_for_write(*, actor: User, pk: Any) -> Task:
    """As `activity_for_write`, for tasks."""
    return access_record_for_write(tasks(actor=actor), writable_tasks(actor=actor), pk, None)


def activity_for_read(*, actor: User, pk: Any) -> Activity:
    """One visible activity, or the 404 an absent one gets."""
    return access_record(activities(actor=actor), pk)


def task_for_read(*, actor: User, pk: Any) -> Task:
    """One visible task, or the 404 an absent one gets."""
    return access_record(tasks(actor=actor), pk)


def my_tasks(*, actor: User) -> QuerySet[Task]:
    """The actor's open tasks, soonest due first (undated ones last)."""
    return tasks(actor=actor).filter(assignee_id=actor.pk, done=False).order_by(
        F("due_at").asc(nulls_last=True), "id")


def overdue_tasks(*, actor: User, now: dt.datetime | None = None) -> QuerySet[Task]:
    """Open tasks past their due time among those the actor sees (a manager: the team's), oldest first."""
    return tasks(actor=actor).filter(overdue_q(now)).order_by("due_at", "id")


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Open and past due: one definition for the selector and the API's `overdue` filter."""
    return Q(done=False, due_at__lt=now or timezone.now())


def account_timeline_activities(*, actor: User, account: Account, limit: int = 50,
                                whole: bool = False) -> list[Activity]:
    """The newest `limit` activities of an account for its 360 view, newest first; one query.

    `whole=True` says the caller (the 360 view, core.overview) has established that the actor reads
    everything under this account (core.overview.selectors.reads_whole_account): the per-row scope is
    skipped. Otherwise rows stay scoped, so support, for example, sees only their own entries on an
    account they reach through a ticket, and a member only their own rows under a pool account.
    Activities logged on the account's contacts and deals carry the account too (the services fill it).
    """
    base = Activity.objects.all() if whole else activities(actor=actor)
    return list(base.filter(account_id=account.pk).order_by("-occurred_at", "-id")[:limit])


# --- references inside a payload: a field error, same words for absent and hidden ----------------

def contact_for_link(*, actor: User, pk: Any, field: str = "contact") -> Contact:
    """A contact the actor may change, for linking (core.records.selectors.contact_for_write with `field`)."""
    write_qs = Contact.objects.filter(merged_into__isnull=True).filter(scopes.contacts_q(access_of(actor), write=True))
    return access_record_for_write(contacts(actor=actor), write_qs, pk, field)


def deal_for_link(*, actor: User, pk: Any, field: str = "deal") -> Deal:
    """A deal the actor may change, for linking (core.records.selectors.deal_for_write with `field`)."""
    return access_record_for_write(deals(actor=actor), Deal.objects.filter(scopes.deals_q(access_of(actor), write=True)), pk, field)
