"""The provider's ops console on the public host: staff only; suspend and resume with a reason."""

import pytest
from django.core.management import call_command
from django.test import Client

from core.users.models import User
from tenants.models import OpsAction, Tenant, TenantStatus, TenantStatusChange

STAFF_PASSWORD = "Ops-console-2026"


@pytest.fixture
def staff(db):
    call_command("createstaff", email="Ops@Provider.test", name="Olga Ops", password=STAFF_PASSWORD)
    return User.objects.get(email="ops@provider.test")


@pytest.fixture
def ops_client(staff) -> Client:
    client = Client(HTTP_HOST="localhost")
    response = client.post("/ops/login/", {"email": "ops@provider.test", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    return client


def test_createstaff_makes_a_public_schema_staff_user(staff):
    assert staff.is_staff is True
    assert staff.name == "Olga Ops"


def test_anonymous_and_workspace_users_cannot_enter_the_console(db):
    assert Client(HTTP_HOST="localhost").get("/ops/")["Location"].startswith("/ops/login/")
    # a workspace owner's credentials do not exist in the public schema
    client = Client(HTTP_HOST="localhost")
    response = client.post("/ops/login/", {"email": "owner@alpha.test", "password": "Test-pass-2026!"})
    assert response.status_code == 400
    assert client.get("/ops/").status_code == 302


def test_console_lists_every_workspace_but_not_public_or_template(ops_client):
    response = ops_client.get("/ops/")
    assert response.status_code == 200
    slugs = [tenant.slug for tenant in response.context["tenants"]]
    assert sorted(slugs) == sorted(Tenant.objects.filter(is_template=False).exclude(schema_name="public")
                                   .values_list("slug", flat=True))
    assert {"alpha", "beta"} <= set(slugs)
    assert "tenant-template" not in slugs and "public" not in slugs
    html = response.content.decode()
    assert "alpha.localhost" in html and "beta.localhost" in html


def test_console_list_costs_the_same_queries_for_few_and_more_workspaces(ops_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.services import tenant_signup

    with CaptureQueriesContext(connection) as few:
        ops_client.get("/ops/")
    for n in range(3):
        tenant_signup(company_name=f"More {n}", workspace=f"more-{n}", name="M", email=f"m{n}@more.test",
                      password="Mountain-river-7", language="en")
    with CaptureQueriesContext(connection) as more:
        response = ops_client.get("/ops/")
    assert len(response.context["tenants"]) >= 5
    assert len(more.captured_queries) == len(few.captured_queries)


def test_suspend_needs_a_reason_and_records_who_when_why(ops_client, staff, alpha):
    refused = ops_client.post(f"/ops/tenants/{alpha.pk}/suspend/", {"reason": ""})
    assert refused.status_code == 302
    assert Tenant.objects.get(pk=alpha.pk).status == TenantStatus.TRIALING
    assert not OpsAction.objects.exists()

    ops_client.post(f"/ops/tenants/{alpha.pk}/suspend/", {"reason": "Unpaid invoice #42"})
    assert Tenant.objects.get(pk=alpha.pk).status == TenantStatus.SUSPENDED
    action = OpsAction.objects.get()
    assert (action.actor_id, action.tenant_id, action.action, action.reason) == (
        staff.pk, alpha.pk, "suspend", "Unpaid invoice #42")
    change = TenantStatusChange.objects.get(tenant=alpha)
    assert (change.from_status, change.to_status, change.actor) == ("trialing", "suspended", "ops@provider.test")

    ops_client.post(f"/ops/tenants/{alpha.pk}/resume/", {"reason": "Paid"})
    assert Tenant.objects.get(pk=alpha.pk).status == TenantStatus.TRIALING  # back to where it was
    assert list(OpsAction.objects.order_by("id").values_list("action", flat=True)) == ["suspend", "resume"]
