"""Service tickets. Every write goes through core.service.services (the one write path).

Who owns a ticket: the owner of its account when the ticket is opened (the salesperson who keeps the
customer relationship and hears about its problems), or the creator when the account sits in the
public pool. The owner is informational and does not decide visibility: tickets are seen with their
account (and by the whole service desk), so a later change of account owner needs no ticket update.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.records.models import Account, Contact, Record


class Ticket(Record):
    """A customer's service request, with its SLA deadlines stored at creation (see core.service.sla)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", pgettext_lazy("channel", "Email")
        WECHAT = "wechat", _("WeChat")
        WEB = "web", _("Web")
        VISIT = "visit", _("Visit")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    # overrides Record's auto_now_add: services pass an explicit time so SLA deadlines are testable
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("account"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
                                verbose_name=_("contact"))
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_tickets", verbose_name=_("assignee"))
    resolution = models.TextField(_("resolution"), blank=True)
    # SLA deadlines (stored; recomputed only when the priority changes) and what happened when
    first_response_due_at = models.DateTimeField(_("first response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    follow_up_due_at = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    # the customer's satisfaction, asked after the resolution
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # set once by the SLA timer (tenants.tasks.notify_sla_breaches_all), so each breach is announced exactly once
    response_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="ticket_search_gin"),
            models.Index(fields=["account", "status"], name="ticket_account_status"),
            models.Index(fields=["status", "first_response_due_at"], name="ticket_status_response_due"),
            models.Index(fields=["status", "resolution_due_at"], name="ticket_status_resolution_due"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="ticket_satisfaction_1_to_5"),
            models.CheckConstraint(condition=models.Q(satisfaction__isnull=True) | models.Q(resolved_at__isnull=False),
                                   name="ticket_rated_only_when_resolved"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


ACTIVE_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.PENDING)

# The status machine, the one table every status change is checked against.
# Leaving "new" by any of these counts as the first response; resolved and closed go back only to "open"
# (a reopen), which clears the resolution times but keeps the SLA deadlines promised at creation.
TRANSITIONS: dict[str, frozenset[str]] = {
    Ticket.Status.NEW: frozenset({Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.RESOLVED,
                                  Ticket.Status.CLOSED}),
    Ticket.Status.OPEN: frozenset({Ticket.Status.PENDING, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}),
    Ticket.Status.PENDING: frozenset({Ticket.Status.OPEN, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}),
    Ticket.Status.RESOLVED: frozenset({Ticket.Status.OPEN, Ticket.Status.CLOSED}),
    Ticket.Status.CLOSED: frozenset({Ticket.Status.OPEN}),
}
