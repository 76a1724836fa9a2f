"""Use cases of the public schema: sign a company up, find someone's workspaces.

`tenant_signup` is all-or-nothing: the tenant row, its domain, its schema (cloned from the template)
and the owner's login are made in one database transaction. PostgreSQL DDL is transactional, so
any failure leaves no schema, no row, no login behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.events.outbox import record_event
from core.users.models import User, normalize_email
from core.users.roles import Role

from . import template_schema
from .addresses import schema_name_for, validate_workspace_address
from .lifecycle import tenant_transition
from .models import Domain, Language, OpsAction, Tenant, TenantStatus

logger = logging.getLogger(__name__)


class TemplateNotReady(RuntimeError):
    """The template schema lags behind the migrations; cloning it would create a broken workspace."""


@dataclass(frozen=True)
class SignupResult:
    tenant: Tenant
    owner: User
    domain: str


def workspace_host(address: str) -> str:
    return f"{address}.{settings.GUANXI_BASE_DOMAIN}"


def validate_signup(*, company_name: str, workspace: str, name: str, email: str, password: str,
                    language: str, preset: str = "blank") -> dict:
    """Check every field and report every failure at once, keyed by field name."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict = {}

    company_name = (company_name or "").strip()
    if not company_name:
        errors["company_name"] = [ValidationError(_("Enter your company's name."), code="required")]
    elif len(company_name) > 200:
        errors["company_name"] = [ValidationError(_("Use at most 200 characters."), code="max_length")]
    cleaned["company_name"] = company_name

    try:
        cleaned["workspace"] = validate_workspace_address(workspace)
        if Tenant.objects.filter(slug=cleaned["workspace"]).exists():
            raise ValidationError(_("This address is already taken. Please choose another."), code="taken")
    except ValidationError as error:
        errors["workspace"] = [error]

    name = (name or "").strip()
    if not name:
        errors["name"] = [ValidationError(_("Enter your name."), code="required")]
    elif len(name) > 150:
        errors["name"] = [ValidationError(_("Use at most 150 characters."), code="max_length")]
    cleaned["name"] = name

    email = normalize_email(email)
    try:
        if not email:
            raise ValidationError(_("Enter your email address."), code="required")
        validate_email(email)
    except ValidationError as error:
        if error.code != "required":
            error = ValidationError(_("Enter a valid email address, like name@company.com."), code="invalid")
        errors["email"] = [error]
    cleaned["email"] = email

    if not password:
        errors["password"] = [ValidationError(_("Choose a password."), code="required")]
    else:
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as error:
            errors["password"] = error.error_list
    cleaned["password"] = password

    if language not in Language.values:
        errors["language"] = [ValidationError(_("Choose 中文 or English."), code="invalid_choice")]
    cleaned["language"] = language

    from core.customization.schema import presets

    preset = (preset or "blank").strip()
    if preset not in {entry["key"] for entry in presets()}:
        errors["preset"] = [ValidationError(_("Choose one of the starting configurations, or start blank."),
                                            code="invalid_choice")]
    cleaned["preset"] = preset

    if errors:
        raise ValidationError(errors)
    return cleaned


def tenant_signup(*, company_name: str, workspace: str, name: str, email: str, password: str,
                  language: str = Language.ZH_HANS, preset: str = "blank") -> SignupResult:
    """Create a workspace with its owner and its starting configuration (a preset, or blank).

    Raises ValidationError naming each failing field; nothing is left behind when any step fails.
    """
    data = validate_signup(company_name=company_name, workspace=workspace, name=name, email=email,
                           password=password, language=language, preset=preset)
    if not template_schema.template_is_current():
        raise TemplateNotReady(
            "The workspace template lags behind the migrations: "
            + ", ".join(template_schema.pending_template_migrations())
        )
    address = data["workspace"]
    try:
        with transaction.atomic():
            connection.set_schema_to_public()
            tenant = Tenant(
                schema_name=schema_name_for(address),
                slug=address,
                name=data["company_name"],
                default_language=data["language"],
                time_zone=settings.GUANXI_DEFAULT_TIME_ZONE,
                trial_ends_at=timezone.now() + timedelta(days=settings.GUANXI_TRIAL_DAYS),
            )
            tenant.save()
            Domain.objects.create(domain=workspace_host(address), tenant=tenant, is_primary=True)
            template_schema.clone_template_into(tenant.schema_name)
            with schema_context(tenant.schema_name):
                owner = User.objects.create_user(
                    data["email"], data["password"], name=data["name"], role=Role.OWNER,
                    language=data["language"],
                )
                if data["preset"] != "blank":
                    from core.customization.services import config_apply_preset

                    config_apply_preset(actor=owner, preset=data["preset"], base_version=0)
                # the workspace's first event, in its own outbox: committed with the workspace or not at all
                record_event("workspace.created", {"workspace": tenant.slug, "schema_name": tenant.schema_name,
                                                   "owner_email": owner.email}, actor_id=owner.pk)
            tenant.usage = {"active_users": 1}
            tenant.save(update_fields=["usage"])
    except IntegrityError as error:
        # a concurrent signup won the address between our check and our insert
        logger.info("signup lost a race for %s: %s", address, error)
        raise ValidationError(
            {"workspace": ValidationError(_("This address is already taken. Please choose another."),
                                          code="taken")}
        ) from None
    finally:
        connection.set_schema_to_public()
    logger.info("workspace created", extra={"tenant": tenant.schema_name})
    return SignupResult(tenant=tenant, owner=owner, domain=workspace_host(address))


def find_workspaces_request(*, email: str, language: str) -> None:
    """Email the addresses of the workspaces where `email` has a login. Says nothing to the visitor."""
    from .tasks import send_workspace_list

    send_workspace_list.delay(normalize_email(email), language)


def workspaces_of(email: str) -> list[Tenant]:
    """Workspaces with an active login for `email`: one indexed lookup per workspace schema."""
    found = []
    email = normalize_email(email)
    for tenant in Tenant.objects.filter(is_template=False).exclude(schema_name="public").exclude(
            status="cancelled").order_by("name"):
        with schema_context(tenant.schema_name):
            if User.objects.filter(email=email, is_active=True).exists():
                found.append(tenant)
    return found


def ops_suspend(*, actor, tenant: Tenant, reason: str) -> OpsAction:
    """Suspend a workspace (read-only for its users), recording who and why."""
    with transaction.atomic():
        change = tenant_transition(tenant=tenant, to=TenantStatus.SUSPENDED, actor=actor.email, reason=reason)
        return OpsAction.objects.create(actor=actor, tenant=tenant, action="suspend", reason=reason,
                                        details={"from": change.from_status})


def ops_resume(*, actor, tenant: Tenant, reason: str) -> OpsAction:
    """Resume a suspended workspace to the status it had before the suspension."""
    with transaction.atomic():
        last = tenant.status_changes.filter(to_status=TenantStatus.SUSPENDED).first()
        back_to = last.from_status if last and last.from_status != TenantStatus.SUSPENDED else TenantStatus.ACTIVE
        tenant_transition(tenant=tenant, to=back_to, actor=actor.email, reason=reason)
        return OpsAction.objects.create(actor=actor, tenant=tenant, action="resume", reason=reason,
                                        details={"to": back_to})
