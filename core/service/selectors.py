"""Reads of tickets, always scoped to what the actor may see, with SLA state computed in SQL.

Who sees which tickets:
- owner, admin: all; support: all (they are the service desk) and may change them;
- manager, member: tickets of the accounts they can see, changeable on accounts they can change;
- viewer: tickets of the accounts they can see, read-only; finance: none.

`response_breached`, `resolution_breached`, `next_due_at` and `response_due_in` are annotations against
one "now" (the database's `now()` unless a test passes one), so lists sort and filter on them without
a Python loop and every row of a page is judged at the same instant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least, Now
from django.utils import timezone

from core.access.policy import Access
from core.access.scoping import access_of, access_record, access_record_for_write
from core.audit.models import AuditAction, AuditEntry
from core.records import scopes
from core.records.models import Account
from core.users.models import User
from core.users.roles import Role

from .models import ACTIVE_STATUSES, Ticket

DESK_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.SUPPORT})
TICKET_WRITERS = frozenset({Role.OWNER, Role.ADMIN, Role.SUPPORT, Role.MANAGER, Role.MEMBER})
INTAKE_LIMIT = 10
INTAKE_VALID_FOR = dt.timedelta(hours=24)
PRIORITY_RANK = {Ticket.Priority.LOW: 1, Ticket.Priority.NORMAL: 2, Ticket.Priority.HIGH: 3,
                 Ticket.Priority.URGENT: 4}


def tickets_q(access: Access, *, write: bool = False) -> Q:
    """The tickets `access` may read (or change, with `write`), as a filter on Ticket."""
    if access.role in DESK_ROLES:
        return Q()
    if access.role in TICKET_WRITERS or (access.role == Role.VIEWER and not write):
        accounts = Account.objects.filter(scopes.accounts_q(access, write=write)).values("pk")
        return Q(account_id__in=accounts)
    return Q(pk__in=[])  # finance, deactivated logins, and viewers asking to write


def may_write_tickets(access: Access) -> bool:
    """Roles that open and work tickets at all (which ones, `tickets_q(write=True)` decides)."""
    return access.role in TICKET_WRITERS


def _now(now: dt.datetime | None):
    return Now() if now is None else Value(now, output_field=DateTimeField())


def _flag(condition: Q) -> Case:
    """True or False, never NULL: a comparison with a NULL column is unknown in SQL, and unknown is "no"."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_sla(qs: QuerySet[Ticket], *, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Annotate the SLA state of each ticket as SQL expressions evaluated at `now`.

    A target is breached when it was met late, or is still unmet after its due time. A resolution ends
    with the ticket's resolution, or with its closing when it was closed unresolved.
    """
    at = _now(now)
    response_breached = (Q(first_responded_at__isnull=True, first_response_due_at__lt=at)
                         | Q(first_responded_at__gt=F("first_response_due_at")))
    resolution_breached = (Q(resolved_at__isnull=True, closed_at__isnull=True, resolution_due_at__lt=at)
                           | Q(resolved_at__gt=F("resolution_due_at"))
                           | Q(resolved_at__isnull=True, closed_at__gt=F("resolution_due_at")))
    return qs.annotate(
        response_breached=_flag(response_breached),
        resolution_breached=_flag(resolution_breached),
        # the deadline the desk is working against now: the response, until there is one
        next_due_at=Case(
            When(first_responded_at__isnull=True,
                 then=Least(F("first_response_due_at"), F("resolution_due_at"))),
            default=F("resolution_due_at"), output_field=DateTimeField()),
        response_due_in=Case(
            When(first_responded_at__isnull=True, status__in=ACTIVE_STATUSES,
                 then=ExpressionWrapper(F("first_response_due_at") - at, output_field=DurationField())),
            default=Value(None, output_field=DurationField()), output_field=DurationField()),
        priority_rank=Case(*[When(priority=key, then=Value(rank)) for key, rank in PRIORITY_RANK.items()],
                           default=Value(0), output_field=IntegerField()),
    )


def tickets(*, actor: User, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Every ticket the actor may see, with SLA annotations."""
    return with_sla(Ticket.objects.filter(tickets_q(access_of(actor))), now=now)


def writable_tickets(*, actor: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(tickets_q(access_of(actor), write=True))


def ticket_queue(*, actor: User, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """The desk's work queue: unfinished tickets, breached first, then by the earliest deadline due."""
    breached = Q(response_breached=True) | Q(resolution_breached=True)
    return (tickets(actor=actor, now=now).filter(status__in=ACTIVE_STATUSES)
            .annotate(breached=_flag(breached))
            .order_by("-breached", "next_due_at", "id"))


def account_tickets(*, actor: User, account: Account, now: dt.datetime | None = None,
                    whole: bool = False) -> QuerySet[Ticket]:
    """The tickets of one account for its 360 view: unfinished ones first, then the newest.

    `whole=True`: the caller established that the actor reads everything under the account
    (core.overview.selectors.reads_whole_account), so the per-row scope is skipped.
    """
    unfinished = Q(status__in=ACTIVE_STATUSES)
    base = with_sla(Ticket.objects.all(), now=now) if whole else tickets(actor=actor, now=now)
    return (base.filter(account_id=account.pk)
            .annotate(unfinished=_flag(unfinished))
            .order_by("-unfinished", "-created_at", "-id"))


def ticket_for_read(*, actor: User, pk: Any, now: dt.datetime | None = None) -> Ticket:
    """One visible ticket; an invisible one is the same 404 as one that does not exist."""
    return access_record(tickets(actor=actor, now=now), pk)


def ticket_for_write(*, actor: User, pk: Any, now: dt.datetime | None = None) -> Ticket:
    """One ticket the actor may change: 404 when not visible, 403 when visible but read-only."""
    return access_record_for_write(tickets(actor=actor, now=now), writable_tickets(actor=actor), pk, None)


def intake_matches(query: str) -> QuerySet[Account]:
    """Live accounts a caller identifies exactly: the full phone number, an email, or the company name.

    The desk's way to find a new caller's account without being able to browse accounts: nothing
    partial (no fragment of a name or number), so ids cannot be harvested by guessing.
    """
    from core.entities.normalize import company_key, normalize_emails, normalize_phones
    from core.records.duplicates import match_q

    query = (query or "").strip()
    phones: list[str] = []
    emails: list[str] = []
    name_key = None
    if "@" in query:
        try:
            emails = normalize_emails([query])
        except Exception:
            emails = []
    else:
        try:
            phones = normalize_phones([query]) if sum(c.isdigit() for c in query) >= 7 else []
        except Exception:
            phones = []
        if not phones and len(query) >= 2:
            name_key = company_key(query) or None
    if not (phones or emails or name_key):
        return Account.objects.none()
    return (Account.objects.filter(merged_into__isnull=True)
            .filter(match_q(name_key=name_key, phones=phones, emails=emails)).order_by("name", "id"))


def looked_up_q(actor: User) -> Q:
    """Accounts the actor identified through the intake lookup in the last day (read from the audit log)."""
    since = timezone.now() - INTAKE_VALID_FOR
    return Q(pk__in=AuditEntry.objects.filter(
        actor=actor, action=AuditAction.INTAKE_LOOKUP, entity="account", created_at__gte=since,
    ).values("record_id"))


def account_for_ticket(*, actor: User, pk: Any, field: str = "account") -> Account:
    """The account a ticket is filed under: the desk's accounts, others' accounts they change.

    Support cannot browse accounts: they file on accounts their tickets already refer to, or on one
    they identified exactly through the intake lookup (services.intake_lookup, audited). Absent,
    merged and other accounts all answer the same field error, so ids cannot be probed.
    """
    access = access_of(actor)
    live = Account.objects.filter(merged_into__isnull=True)
    if access.role in DESK_ROLES:
        scope = scopes.accounts_q(access)
        if access.role == Role.SUPPORT:
            scope |= looked_up_q(actor)
        return access_record(live.filter(scope), pk, field)
    return access_record_for_write(live.filter(scopes.accounts_q(access)), live.filter(scopes.accounts_q(access, write=True)), pk, field)


def may_work_on(*, user: User, account_id: int) -> bool:
    """Whether `user` could be assigned a ticket of this account (changes tickets there)."""
    access = Access(user)
    if not may_write_tickets(access):
        return False
    if access.role in DESK_ROLES:
        return True
    return Account.objects.filter(pk=account_id).filter(scopes.accounts_q(access, write=True)).exists()
