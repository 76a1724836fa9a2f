"""Activities (the communication records of an account's timeline) and tasks (to-dos with reminders).

Every write goes through core.activities.services (the one write path, see core.writepath.save).

Links to records. Accounts, contacts and deals are real foreign keys with `on_delete=SET_NULL`:
an activity is a record of work a colleague did (who called whom, when, what came of it), so
deleting a deal or a contact must not silently erase it from the account's timeline or from the
author's activity counts — CASCADE would. The services fill in the account of a linked contact or
deal, so an activity on a deleted deal stays on its account's timeline. (An erasure request for a
person must therefore delete that person's activities explicitly: SET_NULL keeps the text.)

Leads (core.leads, `leads.Lead`) and tickets (core.service, `service.Ticket`) are being built at the
same time as this app, so they are linked with plain indexed integer columns `lead_id` / `ticket_id`
rather than foreign keys: this app must not depend on unfinished code. Such a link grants no
visibility (see core.activities.selectors); once those models exist, a migration turns the columns
into foreign keys with the same names and the services check access to the linked record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

User = settings.AUTH_USER_MODEL


class Linked(models.Model):
    """What an activity or a task can hang under: an account, a contact, a deal, a lead, a ticket."""

    account = models.ForeignKey("records.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("account"))
    contact = models.ForeignKey("records.Contact", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("contact"))
    deal = models.ForeignKey("records.Deal", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("deal"))
    # plain ids until core.leads / core.service are finished (see the module docstring)
    lead_id = models.BigIntegerField(_("lead"), null=True, blank=True, db_index=True)
    ticket_id = models.BigIntegerField(_("ticket"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # raised by one on every write (core.writepath): the API's ETag, checked against If-Match and web forms
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class Activity(Linked):
    """One contact with the customer — a call, a meeting, a visit… — as shown on the timeline."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        VISIT = "visit", _("Visit")
        EMAIL = "email", pgettext_lazy("channel", "Email")
        WECHAT = "wechat", _("WeChat")
        NOTE = "note", _("Note")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    custom = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("author"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="activity_account_time"),
            models.Index(fields=["author", "-occurred_at"], name="activity_author_time"),
        ]

    def __str__(self) -> str:
        return self.subject


class Task(Linked):
    """A to-do of one assignee, optionally due at a time and with an emailed reminder."""

    title = models.CharField(pgettext_lazy("task", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assignee = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("assignee"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="When the reminder email left; set once, so it never leaves twice.")
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["assignee", "done", "due_at"], name="task_assignee_open_due"),
            # the reminder scan (every minute, every workspace) reads only reminders still to send
            models.Index(fields=["remind_at"], name="task_reminder_pending",
                         condition=Q(reminded_at__isnull=True, done=False, remind_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title
