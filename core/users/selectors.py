"""Reads of users and tokens that views and the API share."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiToken, Invitation, User
from .roles import can_manage_users


def user_list(*, actor: User) -> QuerySet[User]:
    """Colleagues a user may see: everyone active; admins also see deactivated logins."""
    qs = User.objects.all()
    if not can_manage_users(actor.role):
        qs = qs.filter(is_active=True)
    return qs


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def invitation_list(*, actor: User) -> QuerySet[Invitation]:
    if not can_manage_users(actor.role):
        return Invitation.objects.none()
    return Invitation.objects.select_related("invited_by")
