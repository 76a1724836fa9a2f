"""The workspace status machine: only tenants.lifecycle moves it, every move is logged."""

import pytest

from tenants.lifecycle import TRANSITIONS, InvalidTransition, tenant_transition
from tenants.models import StatusGuardError, Tenant, TenantStatus, TenantStatusChange

S = TenantStatus


def test_valid_path_through_the_machine_is_logged(alpha):
    path = [S.ACTIVE, S.PAST_DUE, S.SUSPENDED, S.CANCELLED, S.ACTIVE]
    for target in path:
        tenant_transition(tenant=alpha, to=target, actor="billing", reason=f"to {target}")
    alpha.refresh_from_db()
    assert alpha.status == S.ACTIVE
    changes = list(TenantStatusChange.objects.filter(tenant=alpha).order_by("id")
                   .values_list("from_status", "to_status", "actor"))
    assert changes == [
        ("trialing", "active", "billing"), ("active", "past_due", "billing"), ("past_due", "suspended", "billing"),
        ("suspended", "cancelled", "billing"), ("cancelled", "active", "billing"),
    ]


@pytest.mark.parametrize("start", list(S))
def test_every_transition_not_in_the_table_raises_and_changes_nothing(alpha, start):
    Tenant.objects.filter(pk=alpha.pk).update(status=start)
    alpha.refresh_from_db()
    alpha._saved_status = start
    for target in set(S) - set(TRANSITIONS[start]):
        with pytest.raises(InvalidTransition):
            tenant_transition(tenant=alpha, to=target, actor="system")
    assert Tenant.objects.get(pk=alpha.pk).status == start
    assert not TenantStatusChange.objects.filter(tenant=alpha).exists()


def test_status_cannot_be_changed_by_a_plain_save(alpha):
    alpha.status = S.SUSPENDED
    with pytest.raises(StatusGuardError):
        alpha.save()
    assert Tenant.objects.get(pk=alpha.pk).status == S.TRIALING
