"""Liveness and readiness on the public host and on workspace hosts."""

import json

import pytest


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_healthz_and_readyz(db, client, host):
    assert client.get("/healthz", HTTP_HOST=host).json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST=host)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "template": "ok"}}


def test_unknown_host_is_a_404_page(db, client):
    response = client.get("/", HTTP_HOST="nosuchworkspace.localhost")
    assert response.status_code == 404
    assert b"nosuchworkspace.localhost" in response.content


def test_unknown_host_under_api_answers_in_the_json_error_shape(db, client):
    response = client.get("/api/v1/me", HTTP_HOST="nosuchworkspace.localhost")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- what /readyz tells whom --------------------------------------------------------------------

@pytest.fixture
def template_missing_a_migration(db):
    """The template schema forgets the newest migration of `users` (inside the test's transaction)."""
    from django.db import connection

    from tenants import template_schema

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tenant_template.django_migrations WHERE app = 'users' AND name = "
                       "(SELECT max(name) FROM tenant_template.django_migrations WHERE app = 'users') "
                       "RETURNING name")
        [(name,)] = cursor.fetchall()
    template_schema.forget_template_state()
    yield f"users.{name}"
    template_schema.forget_template_state()


def _staff_client():
    from django.core.management import call_command
    from django.test import Client

    call_command("createstaff", email="ready@provider.test", name="Ready Ops", password="Ops-console-2026",
                 verbosity=0)
    staff = Client(HTTP_HOST="localhost")
    assert staff.post("/ops/login/", {"email": "ready@provider.test", "password": "Ops-console-2026"}).status_code == 302
    return staff


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_readyz_names_no_migration_to_anonymous_callers(client, template_missing_a_migration, host):
    ready = client.get("/readyz", HTTP_HOST=host)
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"database": "ok", "migrations": "ok",
                                                                "template": "stale"}}


def test_readyz_gives_staff_the_details(template_missing_a_migration):
    ready = _staff_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["template"] == f"stale: {template_missing_a_migration}"


def test_a_database_error_text_reaches_only_staff(db):
    """The connection's transaction is aborted for real, so `SELECT 1` fails with PostgreSQL's own text."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import DatabaseError, connection, transaction
    from django.test import RequestFactory

    from core.users.models import User
    from guanxi.health import readyz

    staff = User(email="s@provider.test", is_staff=True, is_active=True)
    answers = {}
    for who, user in (("anonymous", AnonymousUser()), ("staff", staff)):
        request = RequestFactory().get("/readyz")
        request.user = user
        with transaction.atomic():
            with connection.cursor() as cursor, pytest.raises(DatabaseError):
                cursor.execute("SELECT 1 / 0")
            answers[who] = readyz(request)
            transaction.set_rollback(True)
    assert answers["anonymous"].status_code == 503
    assert json.loads(answers["anonymous"].content) == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert "current transaction is aborted" in json.loads(answers["staff"].content)["checks"]["database"]
