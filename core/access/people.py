"""Whom an actor may pick as a record's owner, and the names of users shown beside records."""

from __future__ import annotations

from core.users import selectors as user_selectors
from core.users.roles import Role

from .scoping import access_of


def owner_menu(actor) -> list[tuple[int, str]]:
    return list(user_selectors.user_list(actor=actor).filter(is_active=True).values_list("pk", "name"))


def assignable_owners(actor) -> list[tuple[int, str]] | None:
    """The owner menu for people who hand records to others (the service checks every choice)."""
    access = access_of(actor)
    if access.full or access.role == Role.MANAGER:
        return owner_menu(actor)
    return None


def user_names(actor, ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(user_selectors.user_list(actor=actor).filter(pk__in=ids).values_list("pk", "name"))
