"""Logins, failed logins and logouts, from Django's auth signals, into the audit log.

Signals (not explicit calls) because Django's own `login()`, `logout()` and `authenticate()` send them
from every path: the login page, the API token exchange, the signup handoff, invitations. The public
schema (provider staff) shares the users table but has no audit tables, so there they do nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.dispatch import receiver

from core.audit.models import AuditAction
from core.audit.services import audit_record

from .models import User, normalize_email

ENTITY_USER = "user"


def _in_workspace() -> bool:
    return getattr(connection, "schema_name", "public") != "public"


@receiver(user_logged_in, dispatch_uid="audit_login_succeeded")
def audit_login_succeeded(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if _in_workspace():
        audit_record(actor=user, action=AuditAction.LOGIN_SUCCEEDED, entity=ENTITY_USER, record=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """The typed email is the label; the account it names, if any, is the record (nobody is the actor)."""
    if not _in_workspace():
        return
    typed = normalize_email(str(credentials.get("email") or credentials.get("username") or ""))
    target = User.objects.filter(email=typed).first() if typed else None
    audit_record(actor=None, actor_label=typed, action=AuditAction.LOGIN_FAILED, entity=ENTITY_USER,
                 record_id=target.pk if target else None, record_label=str(target) if target else typed)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if _in_workspace() and user is not None and user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGOUT, entity=ENTITY_USER, record=user)
