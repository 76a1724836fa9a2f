"""The workspace status machine. Billing events and ops actions move it; nothing else does.

trialing → active → past_due → suspended (read-only) → cancelled, and back where allowed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Tenant, TenantStatus, TenantStatusChange

S = TenantStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.TRIALING: frozenset({S.ACTIVE, S.PAST_DUE, S.SUSPENDED, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAST_DUE, S.SUSPENDED, S.CANCELLED}),
    S.PAST_DUE: frozenset({S.ACTIVE, S.SUSPENDED, S.CANCELLED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.TRIALING, S.PAST_DUE, S.CANCELLED}),
    S.CANCELLED: frozenset({S.ACTIVE}),
}


class InvalidTransition(ValueError):
    """The requested status change is not an edge of the machine."""

    def __init__(self, from_status: str, to_status: str):
        self.from_status, self.to_status = from_status, to_status
        super().__init__(
            _("A workspace cannot go from “%(from)s” to “%(to)s”.")
            % {"from": TenantStatus(from_status).label, "to": TenantStatus(to_status).label}
        )


def allowed_targets(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


@transaction.atomic
def tenant_transition(*, tenant: Tenant, to: str, actor: str, reason: str = "") -> TenantStatusChange:
    """Move `tenant` to status `to`, logging the change. Raises InvalidTransition."""
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if to not in allowed_targets(locked.status):
        raise InvalidTransition(locked.status, to)
    change = TenantStatusChange.objects.create(
        tenant=locked, from_status=locked.status, to_status=to, actor=actor, reason=reason
    )
    locked.status = to
    locked._status_change_allowed = True
    locked.save(update_fields=["status"])
    tenant.status = to
    tenant._saved_status = to
    return change
