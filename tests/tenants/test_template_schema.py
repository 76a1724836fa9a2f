"""The template schema: new workspaces are cloned from it, so it must never lag behind the migrations."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

from tenants import template_schema
from tenants.services import TemplateNotReady, tenant_signup
from tests.factories import drop_workspace


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_new_workspace_has_every_table_of_the_template(db):
    result = tenant_signup(company_name="Clone Co", workspace="clone-check", name="C", email="c@clone.test",
                           password="Mountain-river-7", language="en")
    assert _tables(result.tenant.schema_name) == _tables("tenant_template")
    assert {"users_user", "users_apitoken", "users_invitation", "django_migrations"} <= _tables("ws_clone_check")
    # cloning copies no people: the template holds no logins, the workspace only its owner
    with schema_context("tenant_template"):
        from core.users.models import User

        assert User.objects.count() == 0


@pytest.mark.committed
def test_stale_template_is_reported_and_blocks_signup_until_migrated(committed_db, capsys):
    # given the template misses the newest migration of a tenant app
    with schema_context("tenant_template"):
        executor = MigrationExecutor(connection)
        executor.migrate([("users", "0001_initial")])
    template_schema.forget_template_state()
    try:
        # then the lag is named by the check, doctor and readiness, and signup refuses loudly
        assert template_schema.pending_template_migrations() == ["users.0002_invitation_sent_at"]
        from tenants.checks import template_schema_current

        errors = template_schema_current(databases=["default"])
        assert [e.id for e in errors] == ["guanxi.E001"]
        with pytest.raises(TemplateNotReady):
            tenant_signup(company_name="Stale", workspace="stale-template", name="S", email="s@stale.test",
                          password="Mountain-river-7", language="en")
        assert "sent_at" not in _columns("tenant_template", "users_invitation")
    finally:
        # when the ordinary migrate command runs
        call_command("migrate_platform", verbosity=0)
    # then the template is current and a new workspace gets the newest migration's column
    assert template_schema.pending_template_migrations() == []
    try:
        result = tenant_signup(company_name="Fresh", workspace="fresh-template", name="F", email="f@fresh.test",
                               password="Mountain-river-7", language="en")
        assert "sent_at" in _columns(result.tenant.schema_name, "users_invitation")
    finally:
        drop_workspace("fresh-template")
        drop_workspace("stale-template")


def _columns(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
                       [schema, table])
        return {row[0] for row in cursor.fetchall()}


def test_template_is_not_routable(db):
    from django.test import Client

    from tenants.models import Domain, Tenant

    template = Tenant.objects.get(schema_name="tenant_template")
    assert not Domain.objects.filter(tenant=template).exists()
    assert Client(HTTP_HOST="tenant-template.localhost").get("/login/").status_code == 404
