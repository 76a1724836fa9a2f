"""Workspaces live in the public schema; each owns one PostgreSQL schema with its CRM data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class TenantStatus(models.TextChoices):
    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "中文"
    EN = "en", "English"


class StatusGuardError(RuntimeError):
    """A tenant's status was changed outside `tenants.lifecycle`."""


class Tenant(TenantMixin):
    """One company's workspace. Its status is changed only by `tenants.lifecycle`."""

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("workspace address"), max_length=30, unique=True)
    status = models.CharField(max_length=20, choices=TenantStatus.choices, default=TenantStatus.TRIALING)
    is_template = models.BooleanField(default=False, help_text="The hidden schema new workspaces are cloned from.")
    plan = models.CharField(max_length=40, default="trial")
    default_language = models.CharField(max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    time_zone = models.CharField(max_length=64, default="Asia/Shanghai")
    created_at = models.DateTimeField(auto_now_add=True)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # counts refreshed by a periodic task, so the ops list never queries every schema
    usage = models.JSONField(default=dict, blank=True)
    usage_refreshed_at = models.DateTimeField(null=True, blank=True)

    # the schema is cloned by `tenants.services.tenant_signup` inside the signup transaction, never on save()
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["-created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_status = self.status
        self._status_change_allowed = False

    def save(self, *args, **kwargs):
        if not self._state.adding and self.status != self._saved_status and not self._status_change_allowed:
            raise StatusGuardError("A workspace's status changes only through tenants.lifecycle.")
        super().save(*args, **kwargs)
        self._saved_status = self.status
        self._status_change_allowed = False

    @property
    def is_read_only(self) -> bool:
        return self.status in {TenantStatus.SUSPENDED, TenantStatus.CANCELLED}

    @property
    def plan_name(self) -> str:
        from billing.plans import plan_by_key

        plan = plan_by_key(self.plan)
        return str(plan.name) if plan else self.plan

    @property
    def seats(self) -> int:
        return int(self.usage.get("active_users", 0))

    def url(self, path: str = "/") -> str:
        domain = self.get_primary_domain()
        return workspace_url(domain.domain if domain else self.slug, path)


def workspace_url(host: str, path: str = "/") -> str:
    """The browser URL of a workspace host, with the scheme and port of the public site."""
    public = settings.GUANXI_PUBLIC_URL
    scheme, _, rest = public.partition("://")
    port = rest.split("/")[0].partition(":")[2]
    return f"{scheme}://{host}{':' + port if port else ''}{path}"


class Domain(DomainMixin):
    """A host name that routes to a workspace: `{slug}.{base domain}` or a custom domain."""


class TenantStatusChange(models.Model):
    """Every status transition, with who made it and why (append-only)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=TenantStatus.choices)
    to_status = models.CharField(max_length=20, choices=TenantStatus.choices)
    actor = models.CharField(max_length=200, help_text="Staff email, 'billing' or 'system'.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.from_status} → {self.to_status}"


class OpsAction(models.Model):
    """What provider staff did in the ops console: who, when, to which workspace, why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, related_name="ops_actions")
    class Kind(models.TextChoices):
        SUSPEND = "suspend", _("Suspend")
        RESUME = "resume", _("Resume")

    action = models.CharField(max_length=40, choices=Kind.choices)
    reason = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.tenant_id} by {self.actor_id}"
