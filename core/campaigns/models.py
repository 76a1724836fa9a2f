"""Campaigns, their members (leads and contacts) and the deals attributed to them.

Writes go through core.campaigns.services. Deals are linked through CampaignDeal rather than a column on
records.Deal, so marketing can attribute one deal to several campaigns (multi-touch) without the deal
model knowing about campaigns.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.leads.models import Lead
from core.records.models import Contact, Deal, Record


class Campaign(Record):
    class Channel(models.TextChoices):
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", pgettext_lazy("channel", "Email")
        EVENT = "event", _("Event")
        EXHIBITION = "exhibition", _("Exhibition")
        ONLINE_ADS = "online_ads", _("Online ads")
        SMS = "sms", _("SMS")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.OTHER)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "start_date"], name="campaign_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="campaign_ends_after_start"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMember(models.Model):
    """One lead or one contact in a campaign (exactly one of the two, each at most once per campaign)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="campaign_members")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="campaign_members")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False, contact__isnull=True) | Q(lead__isnull=True, contact__isnull=False),
                name="campaign_member_lead_xor_contact"),
            # NULLs are distinct in PostgreSQL, so a contact row never collides with a lead row
            models.UniqueConstraint(fields=["campaign", "lead"], name="campaign_member_lead_unique"),
            models.UniqueConstraint(fields=["campaign", "contact"], name="campaign_member_contact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{'lead' if self.lead_id else 'contact'}:{self.lead_id or self.contact_id}"


class CampaignDeal(models.Model):
    """A deal attributed to a campaign; its amount counts towards the campaign's ROI once it is won."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deal_links")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="campaign_links")
    attributed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    attributed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "deal"], name="campaign_deal_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.deal_id}"
