"""The CRM's records. Every write goes through core.records.services (the one write path)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.crypto.fields import EncryptedJSONField, EncryptedTextField

User = settings.AUTH_USER_MODEL


class Record(models.Model):
    """What every customizable record has: owner, audit timestamps, custom values, search tokens."""

    owner = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("owner"))
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    custom = models.JSONField(default=dict, blank=True)
    # character n-grams of names and emails plus blind indexes of phone digits (GIN, core PostgreSQL)
    search_tokens = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # raised by one on every write (core.writepath): the API's ETag, checked against If-Match and web forms
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class Account(Record):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    class Level(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active customer")
        DORMANT = "dormant", _("Dormant")
        CHURNED = "churned", _("Churned")

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False,
                                help_text="Normalized name for duplicate detection.")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True, verbose_name=_("tags"))
    phones = EncryptedJSONField(_("phones"), default=list, blank=True)
    emails = ArrayField(models.EmailField(), default=list, blank=True, verbose_name=_("emails"))
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # billing fields (finance sees these and nothing else of an account's contact data)
    billing_name = models.CharField(_("billing name"), max_length=200, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=50, blank=True)
    bank_account = EncryptedTextField(_("bank account"), blank=True, default="")
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="account_search_gin"),
            models.Index(fields=["owner", "level"], name="account_owner_level"),
            models.Index(fields=["merged_into"], name="account_merged"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountShare(models.Model):
    """The account's team-member list: colleagues who may read or also change it."""

    class Level(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_shares")
    access = models.CharField(max_length=5, choices=Level.choices, default=Level.READ)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="account_share_unique")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.user_id}:{self.access}"


class Contact(Record):
    class PurchaseRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        OTHER = "other", _("Other")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True,
                                verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phones = EncryptedJSONField(_("phones"), default=list, blank=True)
    emails = ArrayField(models.EmailField(), default=list, blank=True, verbose_name=_("emails"))
    wechat_id = models.CharField(_("WeChat ID"), max_length=100, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    purchase_role = models.CharField(_("role in the purchase"), max_length=20, choices=PurchaseRole.choices,
                                     default=PurchaseRole.OTHER)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        indexes = [
            GinIndex(fields=["search_tokens"], name="contact_search_gin"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    active = models.BooleanField(pgettext_lazy("product", "active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # raised by one on every write (core.writepath): the API's ETag, checked against If-Match and web forms
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class Deal(Record):
    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="deals", verbose_name=_("account"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals",
                                verbose_name=_("contact"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    pipeline = models.CharField(_("pipeline"), max_length=50, default="new_business")
    stage = models.CharField(_("stage"), max_length=50)
    stage_kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.OPEN)
    probability = models.PositiveSmallIntegerField(_("probability"), default=10,
                                                   validators=[MaxValueValidator(100)])
    won_lost_reason = models.CharField(_("won or lost reason"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["pipeline", "stage"], name="deal_pipeline_stage"),
                   models.Index(fields=["owner", "stage_kind"], name="deal_owner_kind")]

    def __str__(self) -> str:
        return self.name


class DealLineItem(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0"))])
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    discount_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_price * (Decimal("100") - self.discount_pct) / Decimal("100")).quantize(
            Decimal("0.01"))


class DealStageChange(models.Model):
    """Every stage move: from, to, who, when — time in stage and cycle length come from these."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=50, blank=True)
    to_stage = models.CharField(max_length=50)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage} → {self.to_stage}"


class SavedView(models.Model):
    """A list page's filters saved under a name by one user (their own; nobody else sees it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_views")
    path = models.CharField(max_length=100, help_text="The list page, e.g. /accounts/.")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=1000, blank=True, help_text="The filter query string.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "path", "name"], name="saved_view_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"
