"""Permission classes shared by the API views."""

from __future__ import annotations

from rest_framework import permissions

from core.users.roles import can_manage_users


class IsWorkspaceAdmin(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and can_manage_users(user.role))
