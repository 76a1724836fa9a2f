"""Every change to activities and tasks, one function per use case: the one write path.

Each function checks the actor's permission, validates with `clean` and `F` specs, writes through
core.writepath.save (`save_record` / `delete_record`: one transaction, field history, audit entry,
a `guanxi_record_saved` event after commit), so the API, the web and automations cannot skip a step.
Reminder emails are sent from here too; the beat task (tenants.tasks) only calls in, per workspace.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access.scoping import access_of, require
from core.entities.fields import clean
from core.records.selectors import account_for_write
from core.users.models import User
from core.users.roles import Role
from core.writepath.save import delete_record, save_record

from . import selectors
from .fields import ACTIVITY_FIELDS, TASK_FIELDS
from .models import Activity, Task

logger = logging.getLogger("guanxi.activities")



def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- validation ----------------------------------------------------------------------------------

def _active_user(field: str, user_id: int) -> None:
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        raise _field_error(field, _("%(field)s must be an active user of this workspace.")
                           % {"field": str((ACTIVITY_FIELDS.get(field) or TASK_FIELDS[field]).label)}, "invalid")


def _resolve_user(actor: User, cleaned: dict[str, Any], field: str, *, any_colleague: bool) -> None:
    """`author` / `assignee` → `<field>_id`: an active user; an author only oneself or one's team.

    Logging an activity in a colleague's name is for admins and managers (as with record owners);
    a task may be given to any active colleague, which is what tasks are for.
    """
    if field not in cleaned:
        return
    user_id = cleaned.pop(field)
    if user_id is None:
        if field == "author":
            raise _field_error(field, _("%(field)s is required.") % {"field": str(ACTIVITY_FIELDS[field].label)},
                               "required")
        cleaned[f"{field}_id"] = None
        return
    access = access_of(actor)
    if not any_colleague and user_id != actor.pk and not (access.full or user_id in access.owner_ids):
        raise _field_error(field, _("You can log activities only in your own or your team's name."),
                           "author_not_allowed")
    _active_user(field, user_id)
    cleaned[f"{field}_id"] = user_id


def _linkable(actor: User, kind: str, pk: int) -> bool:
    """A lead or ticket the actor may see (the columns stay plain ids: see the models' docstring)."""
    if kind == "lead":
        from core.leads.selectors import leads

        return leads(actor=actor).filter(pk=pk).exists()
    from core.service.selectors import tickets

    return tickets(actor=actor).filter(pk=pk).exists()


def _resolve_links(actor: User, cleaned: dict[str, Any], instance: Activity | Task) -> None:
    """Links → `<link>_id`. A new link needs write access to the linked record; the links must agree.

    Linking a contact, a deal or a ticket without an account fills in their account, so the activity
    shows on the account's timeline (and stays there if the deal is deleted later): a support call
    logged on a ticket is part of the customer's history too.
    """
    ticket_account = None
    for plain in ("lead", "ticket"):
        if plain in cleaned:
            linked = cleaned.pop(plain)
            if linked is not None and not _linkable(actor, plain, linked):
                # the same words for an absent and a hidden lead or ticket
                raise _field_error(plain, _("No such record."), "does_not_exist")
            cleaned[f"{plain}_id"] = linked
            if plain == "ticket" and linked is not None:
                from core.service.models import Ticket

                ticket_account = Ticket.objects.filter(pk=linked).values_list("account_id", flat=True).first()
    if not {"account", "contact", "deal"} & cleaned.keys():
        if ticket_account is not None and instance.account_id is None:
            cleaned["account_id"] = ticket_account  # the ticket's account; no write access to it needed
        return  # links untouched: a deal moved to another account since must not block editing the subject
    contact = deal = None
    if cleaned.get("account") is not None:
        account_for_write(actor=actor, pk=cleaned["account"], field="account")
    if cleaned.get("contact") is not None:
        contact = selectors.contact_for_link(actor=actor, pk=cleaned["contact"])
    if cleaned.get("deal") is not None:
        deal = selectors.deal_for_link(actor=actor, pk=cleaned["deal"])
    for name in ("account", "contact", "deal"):
        if name in cleaned:
            cleaned[f"{name}_id"] = cleaned.pop(name)
    final = {name: cleaned.get(f"{name}_id", getattr(instance, f"{name}_id"))
             for name in ("account", "contact", "deal")}
    if "account_id" not in cleaned and (deal or contact) and final["account"] is None:
        final["account"] = cleaned["account_id"] = (deal or contact).account_id
    if ticket_account is not None:
        if final["account"] is None:
            final["account"] = cleaned["account_id"] = ticket_account
        elif final["account"] != ticket_account:
            raise _field_error("ticket", _("The ticket must belong to the linked account."), "invalid")
    if final["deal"] is not None:
        deal_account = deal.account_id if deal else instance.deal.account_id
        if final["account"] != deal_account:
            raise _field_error("deal", _("The deal must belong to the linked account."), "invalid")
    if final["contact"] is not None:
        contact_account = contact.account_id if contact else instance.contact.account_id
        if contact_account is not None and final["account"] != contact_account:
            raise _field_error("contact", _("The contact must belong to the linked account."), "invalid")


# --- activities ----------------------------------------------------------------------------------

def may_log_activities(actor: User) -> bool:
    """Writers, and support: the service desk logs its calls on tickets (spec: "activities they write")."""
    access = access_of(actor)
    return access.can_write() or access.role == Role.SUPPORT


def activity_create(*, actor: User, data: dict[str, Any]) -> Activity:
    """Log an activity; by default now and in the actor's name, on records the actor may change."""
    require(may_log_activities(actor))
    cleaned = clean(ACTIVITY_FIELDS, data, partial=False)
    if cleaned.get("occurred_at") is None:
        cleaned["occurred_at"] = timezone.now()
    cleaned.setdefault("author", actor.pk)
    _resolve_user(actor, cleaned, "author", any_colleague=False)
    instance = Activity()
    _resolve_links(actor, cleaned, instance)
    return save_record(actor=actor, entity="activity", instance=instance, cleaned=cleaned, creating=True)


def activity_update(*, actor: User, activity: Activity | int, data: dict[str, Any],
                    version: int | None = None) -> Activity:
    """Change an activity the actor may change (visible but not changeable: 403; hidden: 404)."""
    cleaned = clean(ACTIVITY_FIELDS, data, partial=True)
    if "occurred_at" in cleaned and cleaned["occurred_at"] is None:
        raise _field_error("occurred_at", _("%(field)s is required.") % {
            "field": str(ACTIVITY_FIELDS["occurred_at"].label)}, "required")
    _resolve_user(actor, cleaned, "author", any_colleague=False)
    return save_record(actor=actor, entity="activity", instance=activity, cleaned=cleaned, version=version,
                       prepare=lambda locked, values: _resolve_links(actor, values, locked))


def activity_delete(*, actor: User, activity: Activity | int, version: int | None = None) -> None:
    """Delete an activity; the audit log keeps that it existed and who removed it."""
    delete_record(actor=actor, entity="activity", instance=activity, version=version)


# --- tasks ---------------------------------------------------------------------------------------

def _task_state(cleaned: dict[str, Any], task: Task) -> None:
    """`done` sets or clears `done_at`; a new reminder time is a new reminder, to be sent again."""
    if "done" in cleaned:
        if cleaned["done"] and not task.done:
            cleaned["done_at"] = timezone.now()
        elif not cleaned["done"]:
            cleaned["done_at"] = None
    if "remind_at" in cleaned and cleaned["remind_at"] != task.remind_at:
        cleaned["reminded_at"] = None


def task_create(*, actor: User, data: dict[str, Any]) -> Task:
    """Create a task, by default for the actor; it may be given to any active colleague."""
    require(access_of(actor).can_write())
    cleaned = clean(TASK_FIELDS, data, partial=False)
    cleaned.setdefault("assignee", actor.pk)
    _resolve_user(actor, cleaned, "assignee", any_colleague=True)
    instance = Task()
    _resolve_links(actor, cleaned, instance)
    _task_state(cleaned, instance)
    return save_record(actor=actor, entity="task", instance=instance, cleaned=cleaned, creating=True)


def task_update(*, actor: User, task: Task | int, data: dict[str, Any], version: int | None = None) -> Task:
    """Change a task; `done` and a new `remind_at` also set `done_at` / re-arm the reminder."""
    cleaned = clean(TASK_FIELDS, data, partial=True)
    _resolve_user(actor, cleaned, "assignee", any_colleague=True)

    def prepare(locked: Task, values: dict[str, Any]) -> None:
        _resolve_links(actor, values, locked)
        _task_state(values, locked)

    return save_record(actor=actor, entity="task", instance=task, cleaned=cleaned, version=version,
                       prepare=prepare)


def task_complete(*, actor: User, task: Task) -> Task:
    """Mark a task done; completing a done task again changes nothing (a double click, a retried request)."""
    return task_update(actor=actor, task=task, data={"done": True})


def task_delete(*, actor: User, task: Task | int, version: int | None = None) -> None:
    """Delete a task the actor may change; audited like every record deletion."""
    delete_record(actor=actor, entity="task", instance=task, version=version)


# --- reminders -----------------------------------------------------------------------------------

def _claim_due_reminders(now: dt.datetime) -> list[int]:
    """Mark due reminders as sent and return the ids this call marked — and only those.

    One UPDATE … WHERE reminded_at IS NULL … RETURNING: of two runs racing (a redelivered beat task,
    two workers), each row is returned to exactly one, so no reminder is ever emailed twice. The mark
    commits before any email is queued: a crash in between loses a reminder rather than doubling it.
    """
    table = connection.ops.quote_name(Task._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET reminded_at = %s "  # noqa: S608 - the table name is our model's, not input
            "WHERE reminded_at IS NULL AND done = false AND remind_at IS NOT NULL AND remind_at <= %s "
            "RETURNING id", [now, now])
        return [row[0] for row in cursor.fetchall()]


def _send_reminder(task: Task, workspace: Any, url: str) -> None:
    assignee = task.assignee
    language = assignee.language or getattr(workspace, "default_language", "") or settings.LANGUAGE_CODE
    zone_name = assignee.time_zone or getattr(workspace, "time_zone", "") or settings.GUANXI_DEFAULT_TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.GUANXI_DEFAULT_TIME_ZONE)
    context = {"task": task, "assignee": assignee, "workspace": getattr(workspace, "name", ""), "url": url}
    with translation.override(language), timezone.override(zone):
        subject = _("Reminder: %(title)s") % {"title": task.title}
        body = render_to_string("activities/email/task_reminder.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignee.email])


def task_send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Email each assignee whose task's reminder time has passed, once; in the current workspace schema.

    The email is in the assignee's language (else the workspace's) with times in their time zone.
    Returns the number of emails queued.
    """
    claimed = _claim_due_reminders(now or timezone.now())
    if not claimed:
        return 0
    workspace = getattr(connection, "tenant", None)
    url = workspace.url("/") if hasattr(workspace, "url") else ""
    sent = 0
    for task in Task.objects.filter(pk__in=claimed).select_related("assignee").order_by("id"):
        if task.assignee is None or not task.assignee.is_active or not task.assignee.email:
            continue  # nobody to remind; the reminder is spent all the same
        try:
            _send_reminder(task, workspace, url)
        except Exception:  # one bad address must not cost the other assignees their reminders
            logger.exception("task reminder %s could not be queued", task.pk)
            continue
        sent += 1
    return sent
