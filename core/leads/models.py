"""Leads: unqualified prospects. Every write goes through core.leads.services (the one write path).

A lead is kept after conversion, pointing at what it became (account, contact, optional deal), so the
funnel "lead → customer" can be reported on and the same lead can never be converted twice.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.crypto.fields import EncryptedJSONField
from core.records.models import Account, Contact, Deal, Record


class Lead(Record):
    """An unqualified prospect; `owner` NULL means it waits in the lead pool for anyone who sells."""

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    class Status(models.TextChoices):
        NEW = "new", _("New")
        WORKING = "working", _("Working")
        QUALIFIED = "qualified", _("Qualified")
        DISQUALIFIED = "disqualified", _("Disqualified")

    company = models.CharField(_("company"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=100, blank=True)
    # phones and emails are lists, as on accounts and contacts, so conversion copies them unchanged;
    # phones are encrypted and found through blind indexes in `search_tokens` (core.entities.search)
    phones = EncryptedJSONField(_("phones"), default=list, blank=True)
    emails = ArrayField(models.EmailField(), default=list, blank=True, verbose_name=_("emails"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0, validators=[MaxValueValidator(100)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    disqualified_reason = models.CharField(_("disqualified reason"), max_length=300, blank=True)
    # what the lead became; SET_NULL so deleting the account later is not blocked by its old lead
    converted_account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("converted account"))
    converted_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("converted contact"))
    converted_deal = models.ForeignKey(Deal, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("converted deal"))
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="lead_search_gin"),
            models.Index(fields=["owner", "status"], name="lead_owner_status"),
            models.Index(fields=["status", "grade"], name="lead_status_grade"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="lead_score_at_most_100"),
            models.CheckConstraint(
                condition=~models.Q(status="disqualified") | ~models.Q(disqualified_reason=""),
                name="lead_disqualified_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name
