"""The roles of a workspace. What each may see is enforced by the CRM's selectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    SUPPORT = "support", _("Support")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")


ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})


def can_manage_users(role: str) -> bool:
    return role in ADMIN_ROLES


def can_grant(actor_role: str, role: str) -> bool:
    """Only an owner makes owners; admins grant every other role."""
    if role == Role.OWNER:
        return actor_role == Role.OWNER
    return actor_role in ADMIN_ROLES
