"""Web forms of activities and tasks. They only collect input: core.activities.services validates and decides.

Field names are keys of ACTIVITY_FIELDS / TASK_FIELDS. Times are typed into `datetime-local` inputs
("2026-05-01T14:30", no zone): the service reads such a time in the user's time zone, which the
request has activated (core.users.middleware), and the edit forms show stored times in that zone too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.customization.record_form import RecordForm, menu_field, text_field

from .fields import ACTIVITY_FIELDS, TASK_FIELDS
from .models import Activity, Task

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})


def local_input(value: dt.datetime | None) -> str:
    """A stored time as a `datetime-local` value in the active time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class _Linked(RecordForm):
    """The account / contact / deal menus every activity and task form has."""

    def __init__(self, *args, accounts: list[tuple[int, str]] = (), contacts: list[tuple[int, str]] = (),
                 deals: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (("account", accounts), ("contact", contacts), ("deal", deals)):
            self.fields[name].widget.choices = [("", "—"), *choices]


class ActivityForm(_Linked):
    entity = "activity"

    kind = menu_field(ACTIVITY_FIELDS, "kind", Activity.Kind.choices)
    subject = text_field(ACTIVITY_FIELDS, "subject")
    body = text_field(ACTIVITY_FIELDS, "body", widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = text_field(ACTIVITY_FIELDS, "occurred_at", widget=DATETIME, help_text=_("Empty: now."))
    duration_minutes = text_field(ACTIVITY_FIELDS, "duration_minutes",
                             widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    outcome = text_field(ACTIVITY_FIELDS, "outcome")
    account = menu_field(ACTIVITY_FIELDS, "account", [])
    contact = menu_field(ACTIVITY_FIELDS, "contact", [])
    deal = menu_field(ACTIVITY_FIELDS, "deal", [])

    # an activity always has a time: an emptied input keeps the stored one
    keep_when_empty = ("occurred_at",)

    def __init__(self, *args, fixed_account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_account:  # logged from the account's page: the account is given, not chosen
            self.fields["account"].widget = forms.HiddenInput()

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {"kind": activity.kind, "subject": activity.subject, "body": activity.body,
                "occurred_at": local_input(activity.occurred_at),
                "duration_minutes": "" if activity.duration_minutes is None else str(activity.duration_minutes),
                "outcome": activity.outcome, "account": activity.account_id or "",
                "contact": activity.contact_id or "", "deal": activity.deal_id or ""}


class TaskForm(_Linked):
    record_entity = "task"
    title = text_field(TASK_FIELDS, "title")
    description = text_field(TASK_FIELDS, "description", widget=forms.Textarea(attrs={"rows": 3}))
    due_at = text_field(TASK_FIELDS, "due_at", widget=DATETIME)
    remind_at = text_field(TASK_FIELDS, "remind_at", widget=DATETIME,
                      help_text=_("An email reminder goes to the assignee at this time."))
    assignee = menu_field(TASK_FIELDS, "assignee", [])
    account = menu_field(TASK_FIELDS, "account", [])
    contact = menu_field(TASK_FIELDS, "contact", [])
    deal = menu_field(TASK_FIELDS, "deal", [])

    def __init__(self, *args, assignees: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].widget.choices = [("", "—"), *assignees]

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        return {"title": task.title, "description": task.description, "due_at": local_input(task.due_at),
                "remind_at": local_input(task.remind_at), "assignee": task.assignee_id or "",
                "account": task.account_id or "", "contact": task.contact_id or "", "deal": task.deal_id or ""}
