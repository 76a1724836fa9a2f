"""Tickets in the entity registry, and what tickets add to other scopes (called from ServiceConfig.ready)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access.policy import Access
from core.entities.registry import EntityType, registry
from core.users.roles import Role

from . import selectors
from .fields import TICKET_FIELDS
from .models import Ticket


def _support_accounts(access: Access, write: bool) -> Q | None:
    """The service desk reads the accounts its tickets refer to (never changes them)."""
    if access.role != Role.SUPPORT or write:
        return None
    return Q(pk__in=Ticket.objects.values("account_id"))


def _support_contacts(access: Access, write: bool) -> Q | None:
    """…and the people of those accounts (their deals stay out of view)."""
    if access.role != Role.SUPPORT or write:
        return None
    return Q(account_id__in=Ticket.objects.values("account_id"))


def register() -> None:
    from . import merges, panels

    panels.register_panels()

    registry.register(EntityType(
        key="ticket", model=Ticket, label=_("Ticket"), label_plural=_("Tickets"), fields=TICKET_FIELDS,
        read=selectors.tickets, write=selectors.writable_tickets, may_create=selectors.may_write_tickets,
        title_field="subject", url_name="service:ticket_detail", position=50))
    registry.extend_scope("account", _support_accounts)
    registry.extend_scope("contact", _support_contacts)
    registry.on_merge("account", merges.move_with_account)
    registry.on_merge("contact", merges.move_with_contact)
