"""Who may see and change which records. Every selector and service asks here; templates never decide.

Roles (core.users.roles.Role):
- owner, admin: everything.
- manager: what they own, what members of the teams they manage own, and accounts shared with them.
- member: what they own and accounts whose member list includes them — with everything under those
  accounts; can claim accounts from the public pool.
- viewer: like member, read-only.
- support: all tickets, and (read-only) the accounts and contacts tickets refer to; activities they write.
- finance: deals and products (read), accounts' billing fields; never contacts' phones or emails.
"""

from __future__ import annotations

from functools import cached_property

from core.users.models import User
from core.users.roles import Role

ALL_ROLES = frozenset(Role.values)
FULL_ACCESS = frozenset({Role.OWNER, Role.ADMIN})
READ_ONLY_ROLES = frozenset({Role.VIEWER, Role.FINANCE})
# roles that read everything under an account they can see: contacts, deals, tickets, tasks, activities
SEES_ALL_UNDER_VISIBLE_ACCOUNT = frozenset({Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.VIEWER})


class Access:
    """The access of one user, computed once per request (team membership is one query)."""

    def __init__(self, user: User):
        self.user = user
        self.role = user.role if user.is_authenticated and user.is_active else None

    @property
    def full(self) -> bool:
        return self.role in FULL_ACCESS

    @cached_property
    def owner_ids(self) -> frozenset[int]:
        """Users whose records count as "mine": oneself, plus managed team members for managers."""
        if self.role is None:
            return frozenset()
        ids = {self.user.pk}
        if self.role == Role.MANAGER:
            ids |= set(User.objects.filter(teams__manager=self.user).values_list("pk", flat=True))
        return frozenset(ids)

    def can_write(self) -> bool:
        return self.role is not None and self.role not in READ_ONLY_ROLES and self.role != Role.SUPPORT

    def may_reveal(self) -> bool:
        """Roles that may unmask sensitive fields (phones, bank accounts) — each reveal is audited."""
        return self.role in {Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER, Role.SUPPORT}

    def sees_all_under_visible_account(self) -> bool:
        """Whether every record under an account this user can see is readable by them as well.

        True for full access and for the roles scoped to "their accounts and everything under them"
        (manager, member, viewer): each of their scopes for contacts, deals, tickets, tasks and
        activities admits any row of a visible account. A 360 view whose account passed the scoped
        lookup then reads that account's rows by account alone; repeating the scope costs a
        subquery per kind of row, more CPU than the rest of the page (docs/performance.md). Support
        and finance see only part of what hangs under an account, so they keep their scopes.
        """
        return self.role in SEES_ALL_UNDER_VISIBLE_ACCOUNT

    def sees_contact_details(self) -> bool:
        """Finance works with money, never with people's phones and emails."""
        return self.role is not None and self.role != Role.FINANCE
