"""Teams: created and changed by admins; a team's manager sees what its members own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.users.models import User
from core.users.roles import can_manage_users

from .models import Team


def _require_admin(actor: User) -> None:
    if not can_manage_users(actor.role):
        raise PermissionDenied(_("Only workspace admins and owners can manage teams."))


def _users(ids: list[int], field: str) -> list[User]:
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise ValidationError({field: ValidationError(_("Every member must be an active user of this workspace."),
                                                      code="invalid")})
    return users


def team_save(*, actor: User, team: Team | None = None, name: str | None = None, manager_id: int | None = None,
              member_ids: list[int] | None = None) -> Team:
    """Create (team=None) or change a team; the change is audited as a permission change."""
    _require_admin(actor)
    creating = team is None
    team = team or Team()
    if name is not None or creating:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": ValidationError(_("Enter the team's name."), code="required")})
        team.name = name
    if manager_id is not None:
        team.manager = _users([manager_id], "manager")[0]
    try:
        with transaction.atomic():
            team.save()
            if member_ids is not None:
                team.members.set(_users(member_ids, "members"))
            audit_record(actor=actor, action="role_changed", entity="team", record=team, record_label=team.name,
                         fields=["name", "manager", "members"],
                         changes={"manager": [None, team.manager_id],
                                  "members": [None, sorted(team.members.values_list("pk", flat=True))]})
    except IntegrityError:
        raise ValidationError({"name": ValidationError(_("A team with this name already exists."),
                                                       code="unique")}) from None
    return team


def team_delete(*, actor: User, team: Team) -> None:
    _require_admin(actor)
    with transaction.atomic():
        audit_record(actor=actor, action="role_changed", entity="team", record=team, record_label=team.name,
                     fields=["deleted"])
        team.delete()
