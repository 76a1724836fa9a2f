"""Two visitors racing for the same address: exactly one workspace exists afterwards."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tenants.models import Domain, Tenant
from tenants.services import tenant_signup
from tests.factories import drop_workspace


@pytest.mark.committed
def test_concurrent_signups_for_one_address_create_exactly_one_workspace(committed_db):
    slug = "race-address"
    barrier = threading.Barrier(4)
    results: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            tenant_signup(company_name=f"Racer {n}", workspace=slug, name=f"Racer {n}",
                          email=f"racer{n}@race.test", password="Quick-brown-fox-1", language="en")
            results.append("created")
        except ValidationError as error:
            results.append(error.error_dict["workspace"][0].code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection.set_schema_to_public()
        assert sorted(results) == ["created", "taken", "taken", "taken"]
        assert Tenant.objects.filter(slug=slug).count() == 1
        assert Domain.objects.filter(domain=f"{slug}.localhost").count() == 1
    finally:
        drop_workspace(slug)
