"""Every change to tickets, one function per use case: the one write path (see core.writepath.save).

Each function checks the actor's permission, validates with `clean`, writes in one transaction with
field history and an audit entry, and emits `guanxi_record_saved` after commit.

Every function that depends on the time takes `now` (default: the current time), so tests state the
moment instead of freezing the clock; the API never passes it. Each returns the ticket re-read with its
SLA annotations at that same `now` (core.service.selectors.with_sla), ready for `ticket_out`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access.scoping import access_of, require
from core.entities.fields import clean
from core.entities.search import record_tokens
from core.records.models import Contact
from core.users.models import User
from core.users.roles import Role
from core.writepath.save import delete_record, save_record

from . import selectors, sla
from .fields import ASSIGN_FIELDS, RATE_FIELDS, RESOLVE_FIELDS, TICKET_FIELDS, TICKET_UPDATE_FIELDS
from .models import ACTIVE_STATUSES, TRANSITIONS, Ticket

logger = logging.getLogger("guanxi.service")


TICKET_DEFAULTS = {"channel": Ticket.Channel.PHONE, "priority": Ticket.Priority.NORMAL}


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _reloaded(ticket: Ticket, now: dt.datetime) -> Ticket:
    """The saved ticket with its SLA annotations, judged at the `now` of the change."""
    return selectors.with_sla(Ticket.objects.filter(pk=ticket.pk), now=now).get()


def _ticket_tokens(ticket: Ticket) -> None:
    ticket.search_tokens = record_tokens(texts=[ticket.subject], phones=[])


def _link_contact(actor: User, cleaned: dict[str, Any], ticket: Ticket | None) -> None:
    """The contact must be one of the ticket's account's people (also after the account changes).

    The account is one the actor works tickets on (selectors.account_for_ticket checked it), so its
    people are the actor's to pick from; any other contact gets the same answer, whoever can see it.
    """
    account_id = cleaned.get("account_id") or (ticket.account_id if ticket else None)
    if "contact" in cleaned:
        cleaned["contact_id"] = cleaned.pop("contact")
    contact_id = cleaned.get("contact_id", ticket.contact_id if ticket else None)
    if "contact_id" not in cleaned and "account_id" not in cleaned:
        return  # neither changes: the stored link stands
    if contact_id is not None and not Contact.objects.filter(pk=contact_id, account_id=account_id,
                                                             merged_into__isnull=True).exists():
        raise _field_error("contact", _("The contact must belong to the ticket's account."), "invalid")


def _link_assignee(cleaned: dict[str, Any], account_id: int) -> None:
    """Only someone who works this account's tickets can be assigned: no ticket lands where it is unseen."""
    if "assignee" not in cleaned:
        return
    assignee_id = cleaned.pop("assignee")
    if assignee_id is not None:
        assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not selectors.may_work_on(user=assignee, account_id=account_id):
            raise _field_error("assignee", _("Assign the ticket to an active colleague who works on this "
                                             "account's tickets."), "invalid_assignee")
    cleaned["assignee_id"] = assignee_id


def _status_change(ticket: Ticket, to: str, now: dt.datetime) -> dict[str, Any]:
    """The fields a move to status `to` sets, checked against the one table `TRANSITIONS`."""
    if to not in TRANSITIONS[ticket.status]:
        raise _field_error("status", _("A ticket cannot go from “%(from)s” to “%(to)s”.") % {
            "from": Ticket.Status(ticket.status).label, "to": Ticket.Status(to).label}, "invalid_transition")
    changes: dict[str, Any] = {"status": to}
    if ticket.first_responded_at is None:
        changes["first_responded_at"] = now  # the desk has acted on the request: that is its first response
    if to == Ticket.Status.RESOLVED:
        changes.update(resolved_at=now, follow_up_due_at=sla.follow_up_due(resolved_at=now))
    elif to == Ticket.Status.CLOSED:
        changes["closed_at"] = now
    elif ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        # a reopen: the old resolution and its rating stay in the field history, not on the ticket
        changes.update(resolved_at=None, closed_at=None, follow_up_due_at=None, resolution="", satisfaction=None,
                       satisfaction_comment="", rated_at=None)
    return changes


def _check_resolution(ticket: Ticket, cleaned: dict[str, Any]) -> None:
    status = cleaned.get("status", ticket.status)
    resolution = cleaned.get("resolution", ticket.resolution)
    if status == Ticket.Status.RESOLVED and not resolution:
        raise _field_error("resolution", _("Describe how the request was resolved."), "required")


def _sla_deadlines(ticket: Ticket, cleaned: dict[str, Any]) -> None:
    """A new priority brings new deadlines (counted from creation); each new deadline is announced once."""
    if cleaned.get("priority", ticket.priority) == ticket.priority:
        return
    cleaned.update(sla.due_times(priority=cleaned["priority"], created_at=ticket.created_at))
    cleaned.update(response_breach_notified_at=None, resolution_breach_notified_at=None)


# --- create, change, delete ----------------------------------------------------------------------

def ticket_create(*, actor: User, data: dict[str, Any], now: dt.datetime | None = None) -> Ticket:
    """Open a ticket; its SLA deadlines are fixed now from its priority (core.service.sla).

    Owner: the account's owner (the customer's salesperson), else the creator for a pool account.
    """
    require(selectors.may_write_tickets(access_of(actor)))
    now = now or timezone.now()
    cleaned = clean(TICKET_FIELDS, {**TICKET_DEFAULTS, **data}, partial=False)
    account = selectors.account_for_ticket(actor=actor, pk=cleaned.pop("account"))
    cleaned["account_id"] = account.pk
    _link_contact(actor, cleaned, None)
    _link_assignee(cleaned, account.pk)
    cleaned["owner_id"] = account.owner_id or actor.pk
    cleaned["status"] = Ticket.Status.NEW
    cleaned.update(sla.due_times(priority=cleaned["priority"], created_at=now))
    ticket = save_record(actor=actor, entity="ticket", instance=Ticket(created_at=now), cleaned=cleaned,
                         creating=True, before_save=_ticket_tokens)
    return _reloaded(ticket, now)


def ticket_update(*, actor: User, ticket: Ticket | int, data: dict[str, Any], now: dt.datetime | None = None,
                  version: int | None = None) -> Ticket:
    """Change a ticket; a status in `data` follows the same table and side effects as the named actions.

    The transition is judged on the locked, current ticket, so two agents acting at once cannot both
    move it from the status they saw.
    """
    now = now or timezone.now()
    cleaned = clean(TICKET_UPDATE_FIELDS, data, partial=True)
    if "account" in cleaned:
        cleaned["account_id"] = selectors.account_for_ticket(actor=actor, pk=cleaned.pop("account")).pk

    def prepare(locked: Ticket, values: dict[str, Any]) -> None:
        _link_contact(actor, values, locked)
        _link_assignee(values, values.get("account_id", locked.account_id))
        _sla_deadlines(locked, values)
        if "status" in values and values["status"] != locked.status:
            values.update(_status_change(locked, values.pop("status"), now))
        _check_resolution(locked, values)

    return _saved(actor, ticket, cleaned, now, prepare=prepare, version=version)


def _saved(actor: User, ticket: Ticket | int, cleaned: dict[str, Any], now: dt.datetime, *, prepare=None,
           version: int | None = None, checked: bool = False) -> Ticket:
    """One change of a ticket through the write path, re-read with its SLA state at `now`."""
    saved = save_record(actor=actor, entity="ticket", instance=ticket, cleaned=cleaned, prepare=prepare,
                        version=version, checked=checked, before_save=_ticket_tokens)
    return _reloaded(saved, now)


def intake_lookup(*, actor: User, query: str) -> list:
    """Find a caller's account for a new ticket by full phone, email or company name (the desk only).

    Each account found is an audit entry; it is what lets support file a ticket on an account it
    could not see before (selectors.account_for_ticket), for a day.
    """
    from core.audit.models import AuditAction
    from core.audit.services import audit_record

    require(access_of(actor).role in selectors.DESK_ROLES)
    found = list(selectors.intake_matches(query)[:selectors.INTAKE_LIMIT])
    with transaction.atomic():
        for account in found:
            audit_record(actor=actor, action=AuditAction.INTAKE_LOOKUP, entity="account", record=account)
    return found


def ticket_delete(*, actor: User, ticket: Ticket | int, version: int | None = None) -> None:
    """Only owners and admins delete: a deleted ticket disappears from the SLA and satisfaction figures."""
    # others get the answer the write path gives for a ticket they see but may not delete (or do not see)
    scope = None if access_of(actor).full else Ticket.objects.none()
    delete_record(actor=actor, entity="ticket", instance=ticket, version=version, scope=scope)


# --- working a ticket ----------------------------------------------------------------------------

def _move(*, actor: User, ticket: Ticket | int, to: str, now: dt.datetime, extra: dict[str, Any] | None = None,
          check: Any = None) -> Ticket:
    """One status change, judged on the locked ticket (`check(locked)` may refuse first)."""
    def prepare(locked: Ticket, values: dict[str, Any]) -> None:
        if check is not None:
            check(locked)
        values.update(_status_change(locked, to, now))
        _check_resolution(locked, values)

    return _saved(actor, ticket, dict(extra or {}), now, prepare=prepare, checked=True)


def ticket_respond(*, actor: User, ticket: Ticket | int, now: dt.datetime | None = None) -> Ticket:
    """An agent answered the customer: the first time stops the response clock, and a new ticket opens.

    Answering a resolved or closed ticket is refused: reopen it first, so its clocks stay honest.
    """
    now = now or timezone.now()

    def prepare(locked: Ticket, values: dict[str, Any]) -> None:
        if locked.status not in ACTIVE_STATUSES:
            raise _field_error("status", _("Reopen the ticket before answering it."), "invalid_transition")
        if locked.status == Ticket.Status.NEW:
            values.update(_status_change(locked, Ticket.Status.OPEN, now))
        elif locked.first_responded_at is None:
            values["first_responded_at"] = now

    return _saved(actor, ticket, {}, now, prepare=prepare, checked=True)


def ticket_resolve(*, actor: User, ticket: Ticket | int, resolution: str, now: dt.datetime | None = None) -> Ticket:
    """Mark the request solved, saying how; the follow-up call is then due within a day (sla.FOLLOW_UP_WITHIN)."""
    now = now or timezone.now()
    cleaned = clean(RESOLVE_FIELDS, {"resolution": resolution}, partial=False)
    return _move(actor=actor, ticket=ticket, to=Ticket.Status.RESOLVED, now=now, extra=cleaned)


def ticket_close(*, actor: User, ticket: Ticket | int, now: dt.datetime | None = None) -> Ticket:
    """Close a ticket: after its resolution, or directly (a duplicate, spam), which counts as unresolved."""
    return _move(actor=actor, ticket=ticket, to=Ticket.Status.CLOSED, now=now or timezone.now())


def ticket_reopen(*, actor: User, ticket: Ticket | int, now: dt.datetime | None = None) -> Ticket:
    """Reopen a resolved or closed ticket (only to "open"); its deadlines stay those promised at creation."""
    def check(locked: Ticket) -> None:
        if locked.status in ACTIVE_STATUSES:
            raise _field_error("status", _("Only a resolved or closed ticket can be reopened."), "invalid_transition")

    return _move(actor=actor, ticket=ticket, to=Ticket.Status.OPEN, now=now or timezone.now(), check=check)


def ticket_rate(*, actor: User, ticket: Ticket | int, score: Any, comment: str = "",
                now: dt.datetime | None = None) -> Ticket:
    """Record the customer's satisfaction (1 to 5, and a comment), asked once the request is resolved."""
    now = now or timezone.now()
    cleaned = clean(RATE_FIELDS, {"score": score, "comment": comment}, partial=False)

    def prepare(locked: Ticket, values: dict[str, Any]) -> None:
        if locked.resolved_at is None:
            raise _field_error("score", _("Satisfaction can be recorded only after the ticket is resolved."),
                               "not_resolved")

    return _saved(actor, ticket, {"satisfaction": cleaned["score"], "satisfaction_comment": cleaned.get("comment", ""),
                                  "rated_at": now}, now, prepare=prepare, checked=True)


def ticket_assign(*, actor: User, ticket: Ticket | int, assignee: User | int | None,
                  now: dt.datetime | None = None) -> Ticket:
    """Hand the ticket to a colleague who works this account's tickets, or to nobody (None)."""
    now = now or timezone.now()
    cleaned = clean(ASSIGN_FIELDS, {"assignee": assignee}, partial=False)
    return _saved(actor, ticket, cleaned, now, prepare=lambda locked, values: _link_assignee(values, locked.account_id))


# --- the SLA timer -------------------------------------------------------------------------------

_RESPONSE_OVERDUE = "first_responded_at IS NULL AND first_response_due_at < %s"
_RESOLUTION_OVERDUE = "resolved_at IS NULL AND closed_at IS NULL AND resolution_due_at < %s"


def _mark_breaches(flag: str, overdue: str, now: dt.datetime) -> list[int]:
    """Stamp `flag` on every unfinished overdue ticket not stamped yet, returning the ids stamped.

    One UPDATE … WHERE flag IS NULL … RETURNING: a second run, even a concurrent one (it waits for the
    row lock, then re-checks the WHERE), finds nothing left to stamp, so each breach is announced once.
    """
    table = Ticket._meta.db_table
    statuses = [str(status) for status in ACTIVE_STATUSES]
    sql = (f"UPDATE {table} SET {flag} = %s "  # noqa: S608 - names are ours, values are parameters
           f"WHERE {flag} IS NULL AND status = ANY(%s) AND {overdue} RETURNING id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, statuses, now])
        return sorted(row[0] for row in cursor.fetchall())


def ticket_breaches_notify(*, workspace: Any, now: dt.datetime | None = None) -> int:
    """Mark newly breached tickets of the current workspace once and email who must act; returns the count.

    The email goes to the assignee, or to the workspace owners while nobody is assigned, each in their
    own language and time zone. Marks are timer bookkeeping, not a change of the ticket: no history.
    """
    now = now or timezone.now()
    with transaction.atomic():
        breaches = [(ticket_id, "response") for ticket_id in
                    _mark_breaches("response_breach_notified_at", _RESPONSE_OVERDUE, now)]
        breaches += [(ticket_id, "resolution") for ticket_id in
                     _mark_breaches("resolution_breach_notified_at", _RESOLUTION_OVERDUE, now)]
        if breaches:
            transaction.on_commit(lambda: _email_breaches(workspace=workspace, breaches=breaches))
    return len(breaches)


def _email_breaches(*, workspace: Any, breaches: list[tuple[int, str]]) -> None:
    tickets = Ticket.objects.select_related("account", "assignee").in_bulk({ticket_id for ticket_id, _k in breaches})
    owners = list(User.objects.filter(role=Role.OWNER, is_active=True).order_by("id"))
    for ticket_id, kind in breaches:
        ticket = tickets.get(ticket_id)
        if ticket is None:
            continue
        assigned = ticket.assignee is not None and ticket.assignee.is_active
        for recipient in [ticket.assignee] if assigned else owners:
            _email_breach(workspace=workspace, ticket=ticket, kind=kind, recipient=recipient, assigned=assigned)


def _email_breach(*, workspace: Any, ticket: Ticket, kind: str, recipient: User, assigned: bool) -> None:
    language = recipient.language or getattr(workspace, "default_language", "") or settings.LANGUAGE_CODE
    zone = recipient.time_zone or getattr(workspace, "time_zone", "") or settings.GUANXI_DEFAULT_TIME_ZONE
    due = ticket.first_response_due_at if kind == "response" else ticket.resolution_due_at
    with translation.override(language), timezone.override(zone):
        if kind == "response":
            subject = _("No first response in time: ticket #%(id)s %(subject)s")
        else:
            subject = _("Not resolved in time: ticket #%(id)s %(subject)s")
        subject = subject % {"id": ticket.pk, "subject": ticket.subject}
        body = render_to_string("service/email/sla_breach.txt", {
            "ticket": ticket, "kind": kind, "due": due, "time_zone": zone, "assigned": assigned,
            "recipient": recipient, "workspace": getattr(workspace, "name", ""),
            "url": workspace.url("/") if hasattr(workspace, "url") else "",
        })
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
